#include <spawn.h>

/// posix_spawn_file_actions_addchdir_np, which glibc declares only under _GNU_SOURCE (and so
/// Swift's Glibc module does not show): the child starts in `path`.
int manage_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
