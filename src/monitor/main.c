/* SPDX-License-Identifier: MIT */
/*
 * The lbox command line (monitor, host side): `lbox run` and friends.
 * Parses options into a struct mon_launch_config and calls mon_launch();
 * no launch logic lives here.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/doctor.h"
#include "monitor/launch.h"
#include "monitor/size.h"
#include "monitor/policy.h"

extern char **environ;

static const char g_usage[] =
    "Usage: lbox COMMAND [OPTIONS]\n"
    "\n"
    "Run Linux programs in a sandbox whose interface to the host is a short,\n"
    "written-down list of system calls.\n"
    "\n"
    "Commands:\n"
    "  run [OPTIONS] -- PROGRAM [ARGS...]   run PROGRAM in a new sandbox\n"
    "  policy dump                          print the host syscall allowlist\n"
    "  doctor                               check which sandbox layers this host has\n"
    "  help                                 show this text\n"
    "\n"
    "Run 'lbox run --help' for the options of run.\n";

static const char g_run_usage[] =
    "Usage: lbox run [OPTIONS] -- PROGRAM [ARGS...]\n"
    "\n"
    "Run PROGRAM (looked up on the guest's PATH like a shell would) in a new\n"
    "sandbox. Standard streams and the exit status pass through; a guest\n"
    "killed by signal N exits with 128+N.\n"
    "\n"
    "The guest sees the host's /usr, /bin, /sbin, /lib*, /etc, /opt and the\n"
    "current directory read-only (not a home directory or one above it),\n"
    "under a private writable in-memory root:\n"
    "nothing it writes reaches the host unless a -v mount says rw.\n"
    "\n"
    "Options:\n"
    "  -v, --volume HOST:GUEST[:ro|rw]  mount host path HOST at GUEST\n"
    "                                   (read-only unless :rw; HOST may\n"
    "                                   not go through a symlink)\n"
    "  -e, --env KEY=VALUE              set an environment variable\n"
    "      --clear-env                  start from an empty environment\n"
    "                                   (the host's is passed by default)\n"
    "  -w, --cwd DIR                    guest working directory\n"
    "                                   (default: the current directory)\n"
    "      --memory SIZE                memory bound, tmpfs included\n"
    "                                   (default: half the host's; 512m, 2g)\n"
    "      --cpu-time DURATION          CPU time bound (exit 152 past it)\n"
    "      --cpus COUNT                 CPU quota: 1.5 is one and a half CPUs\n"
    "      --pids-limit N               processes and threads at once\n"
    "      --timeout DURATION           wall-clock bound: 30, 30s, 500ms, 5m\n"
    "                                   (exit 124 past it)\n"
    "      --tmpfs-size SIZE            bytes of files in /tmp and the root\n"
    "                                   (default: a quarter of --memory)\n"
    "      --disk-budget SIZE           bytes each rw mount may grow by\n"
    "      --trace                      print each guest syscall to stderr\n"
    "      --stats                      print syscall counts at exit\n"
    "  -h, --help                       show this text\n";

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "lbox: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'lbox run --help')\n");
    return 2;
}

/* HOST:GUEST[:ro|rw]. -EINVAL for a bad spec, else what adding it gave. */
static int parse_volume(struct mon_launch_config *cfg, const char *spec)
{
    char *s = strdup(spec), *guest, *mode;
    char real[PATH_MAX];
    bool rw = false;
    int err = -EINVAL;

    if (!s)
        return -ENOMEM;
    guest = strchr(s, ':');
    if (!guest)
        goto out;
    *guest++ = 0;
    mode = strchr(guest, ':');
    if (mode) {
        *mode++ = 0;
        if (!strcmp(mode, "rw"))
            rw = true;
        else if (strcmp(mode, "ro"))
            goto out;
    }
    if (!*s || guest[0] != '/')
        goto out;
    err = mon_add_user_mount(cfg, s, guest, rw);
    if (err == -ELOOP) {
        /* A guest of an earlier run may have planted it: never follow. */
        fprintf(stderr, "lbox: -v %s: the path goes through a symlink", s);
        if (realpath(s, real))
            fprintf(stderr, " (to %s); name that path if you mean it", real);
        fputc('\n', stderr);
    } else if (err && err != -EINVAL) {
        fprintf(stderr, "lbox: -v %s: %s\n", s, strerror(-err));
    }
out:
    free(s);
    return err;
}

/* Set KEY=VALUE in (env), replacing KEY if present. */
static int env_set(char ***env, size_t *n, const char *kv)
{
    size_t klen = strcspn(kv, "=");
    char **e;

    for (size_t i = 0; i < *n; i++) {
        if (!strncmp((*env)[i], kv, klen) && (*env)[i][klen] == '=') {
            (*env)[i] = (char *)kv;
            return 0;
        }
    }
    e = realloc(*env, (*n + 2) * sizeof(*e));
    if (!e)
        return -ENOMEM;
    e[(*n)++] = (char *)kv;
    e[*n] = NULL;
    *env = e;
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"volume", required_argument, NULL, 'v'},
        {"env", required_argument, NULL, 'e'},
        {"clear-env", no_argument, NULL, 'C'},
        {"cwd", required_argument, NULL, 'w'},
        {"trace", no_argument, NULL, 'T'},
        {"stats", no_argument, NULL, 'S'},
        {"memory", required_argument, NULL, 'M'},
        {"cpu-time", required_argument, NULL, 'U'},
        {"timeout", required_argument, NULL, 'O'},
        {"cpus", required_argument, NULL, 'P'},
        {"pids-limit", required_argument, NULL, 'N'},
        {"tmpfs-size", required_argument, NULL, 'F'},
        {"disk-budget", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct mon_launch_config cfg = {0};
    const char *extra_env[256];
    size_t nextra = 0, nenv = 0;
    bool clear_env = false;
    char host_cwd[PATH_MAX];
    char **env = NULL;
    int c, err, ret = 1;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:v:e:w:h", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            err = parse_volume(&cfg, optarg);
            if (err == -EINVAL) {
                ret = bad_usage("bad volume '%s': want HOST:GUEST[:ro|rw] "
                                "with an existing HOST", optarg);
                goto out;
            }
            if (err < 0) {
                ret = 2;
                goto out;
            }
            break;
        case 'e':
            if (!strchr(optarg, '=') || optarg[0] == '=') {
                ret = bad_usage("bad --env '%s': want KEY=VALUE", optarg);
                goto out;
            }
            if (nextra >= sizeof(extra_env) / sizeof(*extra_env)) {
                ret = bad_usage("too many --env options%s", "");
                goto out;
            }
            extra_env[nextra++] = optarg;
            break;
        case 'C':
            clear_env = true;
            break;
        case 'w':
            if (optarg[0] != '/') {
                ret = bad_usage("--cwd '%s' must be an absolute path",
                                optarg);
                goto out;
            }
            cfg.cwd = optarg;
            break;
        case 'M':
        case 'F':
        case 'D': {
            uint64_t *dst = c == 'M'   ? &cfg.limits.memory
                            : c == 'F' ? &cfg.limits.tmpfs_size
                                       : &cfg.limits.disk_budget;

            if (mon_parse_size(optarg, dst) < 0 || *dst == 0) {
                ret = bad_usage("bad size '%s': want a count of bytes "
                                "such as 4096, 512m or 2g", optarg);
                goto out;
            }
            break;
        }
        case 'U': {
            uint64_t ms;

            /* RLIMIT_CPU counts whole seconds: round up. */
            if (mon_parse_duration_ms(optarg, &ms) < 0 || ms == 0) {
                ret = bad_usage("bad --cpu-time '%s': want a duration such "
                                "as 10, 10s or 2m", optarg);
                goto out;
            }
            cfg.limits.cpu_time = (ms + 999) / 1000;
            break;
        }
        case 'P': {
            long online = sysconf(_SC_NPROCESSORS_ONLN);

            /* The kernel's smallest quota is 1 ms in a 100 ms period. */
            if (mon_parse_cpus_milli(optarg, &cfg.limits.cpu_milli) < 0 ||
                cfg.limits.cpu_milli < 10 ||
                (online > 0 && cfg.limits.cpu_milli > (uint64_t)online * 1000)) {
                fprintf(stderr, "lbox: bad --cpus '%s': want a count of CPUs "
                        "from 0.01 to %ld, such as 1.5 (see 'lbox run "
                        "--help')\n", optarg, online > 0 ? online : 1);
                ret = 2;
                goto out;
            }
            break;
        }
        case 'N':
            /* A plain count: no size suffix. */
            if (optarg[strspn(optarg, "0123456789")] ||
                mon_parse_size(optarg, &cfg.limits.pids) < 0 ||
                cfg.limits.pids == 0 || cfg.limits.pids > INT32_MAX) {
                ret = bad_usage("bad --pids-limit '%s': want a count of "
                                "processes and threads such as 64", optarg);
                goto out;
            }
            break;
        case 'O':
            if (mon_parse_duration_ms(optarg, &cfg.limits.timeout_ms) < 0 ||
                cfg.limits.timeout_ms == 0) {
                ret = bad_usage("bad --timeout '%s': want a duration such "
                                "as 30, 30s, 500ms or 5m", optarg);
                goto out;
            }
            break;
        case 'T':
            cfg.trace = true;
            break;
        case 'S':
            cfg.stats = true;
            break;
        case 'h':
            fputs(g_run_usage, stdout);
            ret = 0;
            goto out;
        case ':':
            ret = bad_usage("option '%s' needs a value", argv[optind - 1]);
            goto out;
        default:
            ret = bad_usage("unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        ret = bad_usage("no PROGRAM given%s", "");
        goto out;
    }
    cfg.argv = argv + optind;
    if (!getcwd(host_cwd, sizeof(host_cwd)))
        strcpy(host_cwd, "/");
    if (!cfg.cwd)
        cfg.cwd = host_cwd;
    if (!clear_env)
        for (char **e = environ; *e; e++)
            if (env_set(&env, &nenv, *e) < 0)
                goto out;
    for (size_t i = 0; i < nextra; i++)
        if (env_set(&env, &nenv, extra_env[i]) < 0)
            goto out;
    if (!env) {
        env = calloc(1, sizeof(*env));
        if (!env)
            goto out;
    }
    cfg.envp = env;
    err = mon_default_view(&cfg, host_cwd);
    if (err == 1) {
        fprintf(stderr, "lbox: not sharing %s: it is or holds your home "
                "directory; use -v to share it\n", host_cwd);
        if (cfg.cwd == host_cwd)
            cfg.cwd = "/";
    } else if (err < 0) {
        fprintf(stderr, "lbox: cannot set up the file view: %s\n",
                strerror(-err));
        ret = 2;
        goto out;
    }
    err = mon_launch(&cfg);
    ret = err < 0 ? 125 : err;
out:
    mon_launch_config_release(&cfg);
    free(env);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(g_usage, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        fputs(g_usage, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "doctor"))
        return mon_doctor(stdout);
    if (!strcmp(argv[1], "policy")) {
        if (argc == 3 && !strcmp(argv[2], "dump"))
            return mon_policy_dump(stdout);
        fprintf(stderr, "lbox: usage: lbox policy dump\n");
        return 2;
    }
    fprintf(stderr, "lbox: unknown command '%s' (see 'lbox --help')\n",
            argv[1]);
    return 2;
}
