/// The admin's one stylesheet, served from /admin/static/admin.css (a file, not inline, so the
/// Content-Security-Policy can forbid inline styles). Plain and tidy; no JavaScript anywhere.
enum Stylesheet {
  static let path = "/admin/static/admin.css"

  /// The stylesheet's response, cacheable for an hour.
  static var response: WebResponse {
    var response = WebResponse.text(css, contentType: "text/css; charset=utf-8")
    response.setHeader("Cache-Control", "max-age=3600")
    return response
  }

  static let css = """
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#f7f7f5}
    a{color:#2a5f8f;text-decoration:none}a:hover{text-decoration:underline}
    header{background:#264b5d;color:#f5dd5d;padding:10px 24px;display:flex;justify-content:space-between;align-items:center}
    header h1{margin:0;font-size:20px;font-weight:500}header h1 a{color:#f5dd5d}
    header .user{color:#fff;font-size:13px}header .user a,header .user button{color:#fff;background:none;border:0;font:inherit;cursor:pointer;padding:0;text-decoration:underline}
    header form{display:inline}
    nav.crumbs{background:#79aec8;color:#fff;padding:8px 24px;font-size:13px}nav.crumbs a{color:#fff}
    main{padding:20px 24px;max-width:1200px}
    h2{font-weight:400;font-size:20px;margin:0 0 16px}
    .module{background:#fff;border:1px solid #e1e1e1;border-radius:4px;margin-bottom:20px}
    .module h3{margin:0;padding:8px 12px;background:#417690;color:#fff;font-size:13px;font-weight:500;text-transform:uppercase;letter-spacing:.5px}
    .module h3 a{color:#fff}
    table{border-collapse:collapse;width:100%}
    th,td{padding:7px 10px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
    thead th{background:#f6f6f6;font-size:12px;text-transform:uppercase;color:#555}
    thead th a{color:#555}th.sorted a{color:#111}
    tr:nth-child(even) td{background:#fbfbfb}
    .toolbar{display:flex;gap:8px;align-items:center;margin-bottom:12px;flex-wrap:wrap}
    .toolbar input[type=search]{padding:5px 8px;border:1px solid #ccc;border-radius:4px;min-width:260px}
    button,input[type=submit],.button{background:#417690;color:#fff;border:0;border-radius:4px;padding:6px 12px;font:inherit;cursor:pointer;display:inline-block}
    .button.secondary,button.secondary{background:#888}.button.danger,button.danger{background:#ba2121}
    .addlink{float:right}
    .layout{display:flex;gap:20px;align-items:flex-start}.layout .results{flex:1;min-width:0}
    aside.filters{width:220px;background:#fff;border:1px solid #e1e1e1;border-radius:4px;padding:8px 12px;font-size:13px}
    aside.filters h4{margin:10px 0 4px;font-size:12px;text-transform:uppercase;color:#666}
    aside.filters ul{list-style:none;margin:0;padding:0}aside.filters li.selected a{font-weight:700;color:#111}
    .paginator{margin-top:10px;font-size:13px;color:#555}.paginator a,.paginator strong{margin-right:6px}
    form.change .row{display:flex;padding:10px 12px;border-bottom:1px solid #eee}
    form.change label{width:190px;font-weight:600;padding-top:4px}form.change label.required:after{content:" *";color:#ba2121}
    form.change .field{flex:1}
    form.change input[type=text],form.change input[type=number],form.change input[type=email],form.change input[type=url],
    form.change input[type=date],form.change input[type=datetime-local],form.change input[type=time],form.change select,form.change textarea{
      width:100%;max-width:520px;padding:5px 8px;border:1px solid #ccc;border-radius:4px;font:inherit}
    form.change textarea{min-height:110px}
    .help{color:#777;font-size:12px;margin-top:3px}
    ul.errorlist{margin:0 0 4px;padding:0;list-style:none;color:#ba2121;font-weight:600}
    .errornote{background:#ffefef;border:1px solid #ba2121;color:#ba2121;padding:8px 12px;border-radius:4px;margin-bottom:14px}
    .message{background:#dfd;border:1px solid #7c7;padding:8px 12px;border-radius:4px;margin-bottom:14px}
    .submit-row{display:flex;gap:8px;justify-content:flex-end;padding:12px;background:#f8f8f8}
    .submit-row .delete{margin-right:auto}
    .login{max-width:380px;margin:60px auto}.login .module{padding:16px}.login label{display:block;font-weight:600;margin:8px 0 4px}
    .login input[type=text],.login input[type=password]{width:100%;padding:6px 8px;border:1px solid #ccc;border-radius:4px}
    .login .submit{margin-top:14px;text-align:right}
    ul.summary{margin:0 0 14px}.muted{color:#888}.pad{padding:4px 14px}
    td.state-dead,td.state-failed{color:#ba2121;font-weight:600}td.state-succeeded{color:#2a7d2a}
    .module.run{margin-bottom:16px}.module.run .row{display:flex;padding:8px 12px;border-bottom:1px solid #eee}
    .module.run label{width:190px;flex:none;font-weight:600;padding-top:4px}.module.run .field{flex:1;min-width:0}
    pre.run{white-space:pre-wrap;margin:0;max-height:240px;overflow:auto;background:#fafafa;padding:6px 8px;border:1px solid #eee;border-radius:4px}
    table.attempts td.errornote{margin:0;padding:4px 8px}table.attempts td.ok{color:#2a7d2a}
    """
}
