// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/log.h"

#define RUN_OPTIONS                                                                                \
	"Options:\n"                                                                               \
	"      --map=MODE         identity mapping: root (the caller is root inside),\n"           \
	"                           user (the caller keeps their own ids), auto\n"                 \
	"                           (root inside, with the caller's subordinate ids\n"             \
	"                           from /etc/subuid as 1..N, through newuidmap) or\n"             \
	"                           keep-id (the caller is themselves inside, root\n"              \
	"                           and the other ids from the subordinate range)\n"               \
	"      --bind SRC[:DEST]  bind host path SRC on DEST inside (default: SRC)\n"              \
	"      --ro-bind SRC[:DEST]\n"                                                             \
	"                         the same, read-only\n"                                           \
	"      --tmpfs DEST       mount an empty tmpfs on DEST inside\n"                           \
	"  -w, --chdir DIR        working directory inside (default: HOME, or /)\n"                \
	"  -e, --env NAME[=VALUE] set NAME, or copy it from the caller's environment\n"            \
	"      --unsetenv NAME    remove NAME from the environment\n"                              \
	"      --keep-env         pass the caller's whole environment (HOME, USER,\n"              \
	"                           LOGNAME, SHELL still the inside user's)\n"                     \
	"      --hostname NAME    set the hostname inside (default: a box's name)\n"               \
	"      --uid UID          run as UID (number or name in the rootfs' passwd)\n"             \
	"      --gid GID          run with GID (number or name in the rootfs' group)\n"            \
	"      --read-only        mount the rootfs read-only\n"                                    \
	"      --ephemeral[=DIR]  write to an overlay over the rootfs, not to it: the\n"           \
	"                           writes vanish with the run (or stay in DIR/upper)\n"           \
	"      --net=MODE         host (default), none (only loopback) or pasta (a\n"              \
	"                           network of its own, connected by pasta)\n"                     \
	"      --publish [ADDR:]HOSTPORT:PORT[/udp]  with --net=pasta, forward the\n"              \
	"                           host's HOSTPORT (on ADDR: 127.0.0.1) to PORT\n"                \
	"      --dev=MODE         minimal (default) or host (bind the host's /dev)\n"              \
	"      --proc=MODE        fresh (default) or host (bind the host's /proc,\n"               \
	"                           which shows the box every host process)\n"                     \
	"      --preserve-fd N    pass file descriptor N to the command\n"                         \
	"      --fakeroot=MODE    seccomp (default in root mode) or none: make\n"                  \
	"                           chown, set*id and device mknod succeed as no-ops\n"            \
	"      --cap-drop CAP     take capability CAP (or ALL) from the command\n"                 \
	"      --cap-add CAP      give CAP back (after --cap-drop ALL); in order\n"                \
	"      --no-new-privs     set no_new_privs: set-id programs gain nothing\n"                \
	"      --home             bind the caller's home at its path; HOME is it, and\n"           \
	"                           the directory the caller's current one inside it\n"            \
	"      --x11              share the X display of DISPLAY: its socket, its cookie\n"        \
	"      --wayland          share the Wayland compositor's socket\n"                         \
	"      --pulse            share the sound server (PulseAudio, PipeWire's pulse)\n"         \
	"      --gpu              bind /dev/dri; the command keeps the caller's groups\n"          \
	"      --desktop          --map=keep-id --home, and each of --x11, --wayland,\n"           \
	"                           --pulse and --gpu that the host has\n"                         \
	"      --backend=NAME     auto (default: ns, or proot where user namespaces\n"             \
	"                           are refused), ns or proot\n"                                   \
	"  -h, --help             show this help\n"                                                \
	"\n"                                                                                       \
	"TARGET is a path to a root filesystem directory (anything containing '/',\n"              \
	"or '.' or '..'), or the name of a box in the store. A box is entered with\n"              \
	"the map it was created with. A directory runs in root mode, or in auto mode\n"            \
	"when it belongs to the first id of the caller's subordinate range (a tree\n"              \
	"made by mmdebstrap --mode=unshare), with that id as root.\n"                              \
	"In keep-id mode the command runs as the caller (--uid 0: as root), whose\n"               \
	"passwd and group entries, and sudoers drop-in where there is sudo, are\n"                 \
	"added on first use.\n"                                                                    \
	"\n"                                                                                       \
	"A box's saved options ('nschroot config') apply first, as if given before\n"              \
	"the command line's: a value given again on the command line wins, mounts\n"               \
	"and environment settings add up, the command line's after.\n"                             \
	"\n"                                                                                       \
	"Exit status: the command's; 128+N if it was killed by signal N; 125 if\n"                 \
	"nschroot failed; 126 if the command could not be executed; 127 if it was\n"               \
	"not found.\n"

void help_main(void)
{
	fputs("Usage: nschroot COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "A rootless chroot: enter a root filesystem as root, without privilege.\n"
	      "\n"
	      "Commands:\n"
	      "  run [OPTIONS] TARGET [COMMAND [ARG]...]\n"
	      "                         run COMMAND (default: a login shell) in TARGET\n"
	      "  enter [OPTIONS] TARGET start an interactive login shell in TARGET\n"
	      "  create [OPTIONS] NAME SOURCE\n"
	      "                         make box NAME from a tarball, - or a directory\n"
	      "  create NAME --from BOX copy box BOX as box NAME\n"
	      "  list [--json] [--size] list the boxes in the store\n"
	      "  info [--json] NAME     show a box's settings\n"
	      "  rm [--force] NAME...   remove boxes\n"
	      "  export [OPTIONS] NAME FILE|-\n"
	      "                         write box NAME as a tarball to FILE or stdout\n"
	      "  fixup [OPTIONS] TARGET apply or undo distribution fixups\n"
	      "  remap NAME --map=MODE  convert box NAME to auto or keep-id, owners kept\n"
	      "  exec [OPTIONS] NAME [COMMAND [ARG]...]\n"
	      "                         run COMMAND in the running instance of box NAME\n"
	      "  ps [--json]            list the running instances of boxes\n"
	      "  config NAME [OPTIONS]  save run options in box NAME for run, enter, exec\n"
	      "  config NAME --reset    remove them; 'config NAME' alone prints them\n"
	      "  doctor                 check what nschroot needs of this machine\n"
	      "  help [COMMAND]         show help for nschroot or for COMMAND\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help             show this help\n"
	      "  -V, --version          show the version\n"
	      "\n"
	      "See 'nschroot help run' for the options of run and enter, and nschroot(1).\n",
	      stdout);
}

void help_run(void)
{
	fputs("Usage: nschroot run [OPTIONS] TARGET [COMMAND [ARG]...]\n"
	      "\n"
	      "Run COMMAND inside TARGET as root (by default), in new user, mount, pid,\n"
	      "ipc and uts namespaces, with /proc, /dev, /sys and the host's\n"
	      "/etc/resolv.conf mounted. Without COMMAND, start the login shell of the\n"
	      "inside user from the rootfs' /etc/passwd.\n"
	      "\n" RUN_OPTIONS,
	      stdout);
}

void help_enter(void)
{
	fputs("Usage: nschroot enter [OPTIONS] TARGET\n"
	      "\n"
	      "Start an interactive login shell inside TARGET; the same as 'nschroot run'\n"
	      "without a command.\n"
	      "\n" RUN_OPTIONS,
	      stdout);
}

static void help_create(void)
{
	fputs("Usage: nschroot create [OPTIONS] NAME SOURCE\n"
	      "       nschroot create [--progress=WHEN] NAME --from BOX\n"
	      "\n"
	      "Make the box NAME in the store from SOURCE: a tarball (tar, pax, ustar or\n"
	      "GNU; gzip, bzip2, xz, zstd, lz4 or none, told from the content), '-' for\n"
	      "standard input, a directory to copy, or a container image:\n"
	      "  oci:DIR[:REF]             an OCI image layout\n"
	      "  oci-archive:FILE[:REF]    a tar archive of one\n"
	      "  docker-archive:FILE[:TAG] what docker save writes (also as a plain FILE)\n"
	      "  docker://REF              from a registry, through skopeo\n"
	      "Every blob of an image is checked against its digest, and its Env,\n"
	      "WorkingDir, User, Entrypoint and Cmd are recorded for run. The box appears\n"
	      "whole or not at all. Device nodes are skipped (nschroot provides /dev).\n"
	      "\n"
	      "In auto mode (the default where newuidmap and a subordinate range are\n"
	      "there) the archive's owners and set-id bits are kept; an owner outside\n"
	      "the range becomes root. In root mode every file belongs to the caller\n"
	      "(root inside) and set-id bits are dropped. In keep-id mode the owners\n"
	      "are kept as in auto mode, but the caller's own uid and gid are\n"
	      "themselves inside (root and the other ids come from the subordinate\n"
	      "range): the caller's entries are added to /etc/passwd and /etc/group,\n"
	      "and run logs in as the caller.\n"
	      "\n"
	      "With --from, NAME is a copy of the box BOX as it is: owners, modes,\n"
	      "set-id bits, hard links, xattrs (file capabilities) and BOX's settings;\n"
	      "reflinked where the store's file system can. BOX may run meanwhile (what\n"
	      "it writes then may or may not be in the copy).\n"
	      "\n"
	      "Options:\n"
	      "      --map=MODE         the box's identity mapping, kept for its life:\n"
	      "                           auto, keep-id or root\n"
	      "      --no-fixup         do not apply the distribution fixups\n"
	      "      --arch=ARCH        the platform of a multi-platform image, by its\n"
	      "                           Debian name (amd64, arm64, ...); the host's\n"
	      "      --progress=WHEN    auto (on a terminal), always or never\n"
	      "      --backend=NAME     ns or proot: recorded, what runs the box; proot\n"
	      "                           makes it without user namespaces, in root mode\n"
	      "      --from=BOX         copy the box BOX (no SOURCE, --map, --arch or\n"
	      "                           --backend: the copy keeps BOX's)\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_rm(void)
{
	fputs("Usage: nschroot rm [--force] NAME...\n"
	      "\n"
	      "Remove boxes from the store. A box in use is refused. A box that cannot\n"
	      "be removed whole is put back, marked half-removed, for rm to finish.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --force            remove a box even while it is in use\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_fixup(void)
{
	fputs("Usage: nschroot fixup [OPTIONS] TARGET\n"
	      "\n"
	      "Apply (or undo) the distribution fixups that make a rootfs work without\n"
	      "privilege; create applies them already. Without a fixup named, those that\n"
	      "fit the rootfs' os-release and map mode. Each is idempotent and recorded\n"
	      "in a box's box.conf. TARGET is a box name or a directory path.\n"
	      "\n"
	      "Options:\n"
	      "      --apt              APT::Sandbox::User \"root\" (apt.conf.d)\n"
	      "      --dpkg             a policy-rc.d so package scripts start no services\n"
	      "      --pacman           no DownloadUser, DisableSandbox in pacman.conf\n"
	      "      --hosts            an /etc/hosts with localhost, when there is none\n"
	      "      --user             keep-id: the caller's passwd and group entries\n"
	      "      --sudo             keep-id: sudo for the caller without a password\n"
	      "                           (/etc/sudoers.d/nschroot-keep-id)\n"
	      "      --all              every fixup that fits the rootfs\n"
	      "      --undo             revert the named fixups, or all of them\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_export(void)
{
	fputs("Usage: nschroot export [OPTIONS] NAME FILE|-\n"
	      "\n"
	      "Write the box NAME as a tar archive (pax) to FILE, or to standard output for\n"
	      "'-', with the owners as seen inside the box: for 'nschroot create',\n"
	      "'docker import' or 'podman import'; or as a container image of that one layer\n"
	      "for 'podman load', 'docker load' or skopeo. FILE appears only when complete.\n"
	      "The box must not be in use.\n"
	      "\n"
	      "Options:\n"
	      "      --format=FORMAT    tar (the default), oci-archive or docker-archive\n"
	      "      --compress=FILTER  gzip (the default), xz, zstd or none (the default for\n"
	      "                         docker-archive); oci-archive takes no xz\n"
	      "      --level=N          the compression's level: gzip 1-9 (1-3 ISA-L's, 3 the\n"
	      "                         default, where built with it; else 6), xz 0-9 (6),\n"
	      "                         zstd 1-19 (3); xz and zstd use every CPU\n"
	      "      --progress=WHEN    auto (on a terminal), always or never\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_remap(void)
{
	fputs("Usage: nschroot remap NAME --map=auto|keep-id [--progress=WHEN]\n"
	      "\n"
	      "Convert the files of box NAME from the layout of its map to that of MODE,\n"
	      "every owner as seen inside kept: uids, gids, set-id bits, hard links and\n"
	      "file capabilities. A box whose recorded subordinate ranges are no longer\n"
	      "yours is moved to your current ones, when its files allow (else nothing\n"
	      "changes and the files in the way are counted). The box must not be in use.\n"
	      "An interrupted remap leaves the box refusing to run until the next\n"
	      "'nschroot remap NAME' (MODE may then be left out) finishes it.\n"
	      "\n"
	      "Options:\n"
	      "      --map=MODE         auto or keep-id\n"
	      "      --progress=WHEN    auto (on a terminal), always or never\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_doctor(void)
{
	fputs("Usage: nschroot doctor\n"
	      "\n"
	      "Check what nschroot needs of this machine, one line each, OK, WARN or\n"
	      "FAIL with the reason: the kernel, user namespaces (tried, and the sysctls\n"
	      "that govern them), newuidmap and newgidmap, the caller's subordinate ids,\n"
	      "auto mode (tried); without it, root mode, in which su and whatever else\n"
	      "switches users stays root, and a subordinate range free in /etc/subuid\n"
	      "and /etc/subgid to ask for; overlayfs in a user namespace, seccomp,\n"
	      "Landlock's ABI (scoping abstract sockets and signals needs 6), whether\n"
	      "net.ipv4.ping_group_range lets ping work with the host network, the store.\n"
	      "Exit status 0 when nschroot can work, 1 when it cannot.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_exec(void)
{
	fputs("Usage: nschroot exec [OPTIONS] NAME [COMMAND [ARG]...]\n"
	      "\n"
	      "Run COMMAND (default: a login shell) in the running instance of box NAME:\n"
	      "the box that a run or enter started, with its processes, /tmp, /run and\n"
	      "mounts, and its network when it has its own. The command takes the\n"
	      "instance's confinement (fake root, capabilities, no_new_privs, seccomp,\n"
	      "Landlock), a terminal of its own when the caller has one, and the box's\n"
	      "image settings, as run's does; it ends with the instance at the latest.\n"
	      "The box's saved options (nschroot config) that concern the command apply\n"
	      "first: -e, --unsetenv, --keep-env, -w, --uid and --gid.\n"
	      "Exit status as run's; 125 when no instance of NAME runs.\n"
	      "\n"
	      "Options:\n"
	      "      --instance=PID     the instance whose init is PID (see ps); default:\n"
	      "                           the oldest of the box's\n"
	      "      --uid=USER         run as USER (auto mode; in root mode the\n"
	      "                           instance's user is the only one)\n"
	      "      --gid=GROUP        run with GROUP as the primary group\n"
	      "  -w, --chdir=DIR        start in DIR\n"
	      "  -e, --env=NAME[=VALUE] set NAME, or pass the caller's NAME\n"
	      "      --unsetenv=NAME    remove NAME from the environment\n"
	      "      --keep-env         keep the caller's whole environment\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_ps(void)
{
	fputs("Usage: nschroot ps [--json]\n"
	      "\n"
	      "List the running instances of boxes, oldest first: the box, its init's\n"
	      "pid on the host (exec --instance takes it), when it started, its command.\n"
	      "\n"
	      "Options:\n"
	      "      --json             print a JSON array of objects\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_list(void)
{
	fputs("Usage: nschroot list [--json] [--size]\n"
	      "\n"
	      "List the boxes in the store: name, map mode, distribution (from the box's\n"
	      "os-release), disk usage and creation time. The disk usage is the one\n"
	      "recorded when the box was created ('-' for a box made before nschroot\n"
	      "recorded it); --size measures it now, which takes a walk of every box.\n"
	      "\n"
	      "Options:\n"
	      "      --json             print a JSON array of objects (an unknown size\n"
	      "                           is null)\n"
	      "      --size             measure each box's disk usage now\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_info(void)
{
	fputs("Usage: nschroot info [--json] NAME\n"
	      "\n"
	      "Show a box's settings as 'key: value' lines: name, map, source, created,\n"
	      "os, fixups, rootfs, size (measured now), the run options saved by\n"
	      "'nschroot config' when there are some.\n"
	      "\n"
	      "Options:\n"
	      "      --json             print a JSON object\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static void help_config(void)
{
	fputs("Usage: nschroot config NAME [RUN-OPTIONS]\n"
	      "       nschroot config NAME --reset\n"
	      "       nschroot config NAME\n"
	      "\n"
	      "Save run options in the box NAME: run and enter apply them before their\n"
	      "command line's (a value given again there wins; mounts and environment\n"
	      "settings add up), exec those that concern its command (-e, --unsetenv,\n"
	      "--keep-env, -w, --uid, --gid). The options are the ones of 'nschroot help\n"
	      "run', checked now as run checks them; --preserve-fd cannot be saved.\n"
	      "Relative host paths (--bind, --ro-bind, --ephemeral=DIR) are saved as\n"
	      "absolute ones. Saving replaces the options saved before, whole.\n"
	      "\n"
	      "  nschroot config dev --hostname dev --bind ~/src:/src\n"
	      "  nschroot enter dev\n"
	      "\n"
	      "With --reset, the saved options are removed; with no option, they are\n"
	      "printed as one shell command line (nothing when there are none).\n"
	      "\n"
	      "Options:\n"
	      "      --reset            remove the saved options\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

int help_command(const char *command)
{
	if (strcmp(command, "run") == 0)
		help_run();
	else if (strcmp(command, "enter") == 0)
		help_enter();
	else if (strcmp(command, "create") == 0)
		help_create();
	else if (strcmp(command, "fixup") == 0)
		help_fixup();
	else if (strcmp(command, "export") == 0)
		help_export();
	else if (strcmp(command, "rm") == 0)
		help_rm();
	else if (strcmp(command, "remap") == 0)
		help_remap();
	else if (strcmp(command, "list") == 0)
		help_list();
	else if (strcmp(command, "info") == 0)
		help_info();
	else if (strcmp(command, "doctor") == 0)
		help_doctor();
	else if (strcmp(command, "exec") == 0)
		help_exec();
	else if (strcmp(command, "ps") == 0)
		help_ps();
	else if (strcmp(command, "config") == 0)
		help_config();
	else if (strcmp(command, "help") == 0)
		help_main();
	else
		return -1;
	return 0;
}

int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		die_usage("help: too many arguments");
	if (argc < 2) {
		help_main();
		return 0;
	}
	if (help_command(argv[1]) < 0)
		die_usage("help: unknown command '%s'", argv[1]);
	return 0;
}
