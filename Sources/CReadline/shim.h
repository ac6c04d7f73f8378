#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// readline is configured through global variables, which Swift 6 will not touch from Swift
// code (they are shared mutable state); these wrappers set them from C instead.

static inline void manage_rl_configure(const char *name, const char *word_breaks, rl_completion_func_t *complete) {
  rl_readline_name = name;
  rl_catch_signals = 0;   // our SIGINT handler cancels the line; readline's would not return
  rl_catch_sigwinch = 1;
  rl_completer_word_break_characters = (char *)word_breaks;
  rl_attempted_completion_function = complete;
}

// Inside a completion: never fall back to file names, and append nothing after a match
// (matches end in "(", "=" or "__" themselves).
static inline void manage_rl_completion_begins(void) {
  rl_attempted_completion_over = 1;
  rl_completion_append_character = '\0';
}

static inline const char *manage_rl_line_buffer(void) { return rl_line_buffer; }

// Ctrl-C: drop the line being typed and leave the terminal as readline found it.
static inline void manage_rl_cancel_line(void) {
  rl_free_line_state();
  rl_callback_sigcleanup();
  rl_callback_handler_remove();
  rl_replace_line("", 0);
}
