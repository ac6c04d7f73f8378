"""Drives the admin in real headless Chromium (selenium + chromedriver), as a person would:
log in, add a post with a validation error and fix it, edit it, search, filter, delete.
Prints one JSON object of what each step saw; screenshots go to the folder given.

usage: admin_browser.py BASE_URL USERNAME PASSWORD SCREENSHOT_DIR
"""
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

base, username, password, shots = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(argument)
for binary in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]:
    if os.path.exists(binary):
        options.binary_location = binary
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 10)
seen = {}


def shot(name):
    driver.save_screenshot(os.path.join(shots, name + ".png"))


def submit(name):
    """Clicks a submit button and waits for the next page to replace this one."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.NAME, name).click()
    wait.until(ready.staleness_of(old))
    settled()


def settled():
    """Waits until the page in the window has finished loading (a click's navigation included)."""
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def follow(link):
    """Clicks a link and waits for the page it leads to."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, link).click()
    wait.until(ready.staleness_of(old))
    settled()


def read(selector):
    """The text of an element of the loaded page; retried when the page is replaced under it
    (a redirect's second document), which a loaded CI machine makes likely."""
    for attempt in range(10):
        try:
            settled()
            return wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, selector))).text
        except WebDriverException:
            if attempt == 9:
                raise
    return None


def text():
    return driver.find_element(By.TAG_NAME, "body").text


try:
    driver.get(base + "/admin/")
    seen["login_page"] = driver.title
    shot("01-login")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait.until(ready.staleness_of(old))
    seen["index_title"] = driver.title
    seen["index_has_posts"] = "Posts" in text()
    shot("02-index")

    driver.get(base + "/admin/blog/author/add/")
    Select(driver.find_element(By.NAME, "user")).select_by_index(1)
    driver.find_element(By.NAME, "display_name").send_keys("Ada Lovelace")
    submit("_save")

    # A post with a bad slug and no author: the errors appear beside the fields.
    driver.get(base + "/admin/blog/post/add/")
    driver.find_element(By.NAME, "title").send_keys("Notes on the Analytical Engine")
    driver.find_element(By.NAME, "slug").send_keys("not a slug")
    submit("_save")
    seen["slug_error"] = driver.find_element(By.ID, "id_slug_error").text
    seen["author_error"] = driver.find_element(By.ID, "id_author_error").text
    seen["title_kept"] = driver.find_element(By.NAME, "title").get_attribute("value")
    shot("03-add-with-errors")
    slug = driver.find_element(By.NAME, "slug")
    slug.clear()
    slug.send_keys("analytical-engine")
    Select(driver.find_element(By.NAME, "author")).select_by_index(1)
    Select(driver.find_element(By.NAME, "status")).select_by_visible_text("published")
    submit("_save")
    seen["added_message"] = read(".message")
    shot("04-added")

    # Edit it from the change list.
    follow("1")
    title = driver.find_element(By.NAME, "title")
    title.clear()
    title.send_keys("Sketch of the Analytical Engine")
    submit("_save")
    seen["changed_message"] = read(".message")

    # A second post, then search and filter.
    driver.get(base + "/admin/blog/post/add/")
    driver.find_element(By.NAME, "title").send_keys("Draft thoughts")
    driver.find_element(By.NAME, "slug").send_keys("draft-thoughts")
    Select(driver.find_element(By.NAME, "author")).select_by_index(1)
    submit("_save")
    search = driver.find_element(By.NAME, "q")
    search.send_keys("sketch")
    old = driver.find_element(By.TAG_NAME, "html")
    search.submit()
    wait.until(ready.staleness_of(old))
    settled()
    seen["search_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "tbody tr"))
    seen["search_first"] = driver.find_element(By.CSS_SELECTOR, "tbody tr td:nth-child(3)").text
    shot("05-search")
    driver.get(base + "/admin/blog/post/")
    follow("draft")
    seen["filter_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "tbody tr"))
    seen["filter_first"] = driver.find_element(By.CSS_SELECTOR, "tbody tr td:nth-child(3)").text
    shot("06-filter")

    # Delete the draft: the confirmation page, then the change list without it.
    follow("2")
    follow("Delete")
    seen["confirm"] = driver.find_element(By.TAG_NAME, "h2").text
    shot("07-confirm-delete")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "button.danger").click()
    wait.until(ready.staleness_of(old))
    settled()
    seen["deleted_message"] = read(".message")
    seen["rows_after_delete"] = len(driver.find_elements(By.CSS_SELECTOR, "tbody tr"))
    shot("08-deleted")
    seen["console_errors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
except Exception as error:  # report what failed; the Swift test shows it
    seen["error"] = f"{type(error).__name__}: {error}"
    shot("99-failure")
finally:
    driver.quit()
print(json.dumps(seen))
