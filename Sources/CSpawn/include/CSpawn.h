#include <spawn.h>

/// posix_spawn_file_actions_addchdir_np, which glibc declares only under _GNU_SOURCE (and so
/// Swift's Glibc module does not show): the child starts in `path`.
int manage_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// pipe2(fds, O_CLOEXEC): a pipe no other child inherits. Without it, a process spawned on
/// another thread at the same moment keeps the write end open, and the reader waits for its
/// EOF as long as that unrelated process lives.
int manage_pipe_cloexec(int fds[2]);
