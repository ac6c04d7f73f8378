#define _GNU_SOURCE
#include <spawn.h>
#include "CSpawn.h"

int manage_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
  return posix_spawn_file_actions_addchdir_np(actions, path);
}

#include <fcntl.h>
#include <unistd.h>

int manage_pipe_cloexec(int fds[2]) {
  return pipe2(fds, O_CLOEXEC);
}

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

int manage_spawn_tied(char *const argv[], char *const envp[], const char *directory, int in_fd, int out_fd, int err_fd) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  // The child, before exec: only async-signal-safe calls.
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the worker died before prctl took effect
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) _exit(127);
  if (directory != NULL && chdir(directory) != 0) _exit(127);
  execvpe(argv[0], argv, envp);
  _exit(127);
}
