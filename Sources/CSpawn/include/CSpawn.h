#include <spawn.h>

/// posix_spawn_file_actions_addchdir_np, which glibc declares only under _GNU_SOURCE (and so
/// Swift's Glibc module does not show): the child starts in `path`.
int manage_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// pipe2(fds, O_CLOEXEC): a pipe no other child inherits. Without it, a process spawned on
/// another thread at the same moment keeps the write end open, and the reader waits for its
/// EOF as long as that unrelated process lives.
int manage_pipe_cloexec(int fds[2]);

/// Starts `argv` (searched on PATH in `envp`'s environment) in `directory`, in a process group
/// of its own, with `in_fd`, `out_fd` and `err_fd` as its standard streams and the default
/// signal dispositions and mask, and asks the kernel to SIGKILL it when the calling thread ends
/// (PR_SET_PDEATHSIG): a long-lived task process never outlives a worker killed with -9. Call
/// it from a thread that lives as long as the child should. Returns the pid, or -1 with errno.
int manage_spawn_tied(char *const argv[], char *const envp[], const char *directory, int in_fd, int out_fd, int err_fd);
