// SPDX-License-Identifier: MIT
// Integration test (guest program): execve from a process with other
// threads (one computing, one asleep) ends them first, as on Linux, and
// the new image runs alone. Compared with the native run.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *spin(void *arg)
{
    for (;;) {
        volatile int x = 0;

        x++;
    }
    return arg;
}

static void *sleeper(void *arg)
{
    sleep(100);
    return arg;
}

int main(void)
{
    pthread_t t;

    pthread_create(&t, NULL, spin, NULL);
    pthread_create(&t, NULL, sleeper, NULL);
    printf("two threads running, exec\n");
    fflush(stdout);
    execl("/bin/echo", "echo", "the new image runs alone", (char *)NULL);
    perror("execl");
    return 1;
}
