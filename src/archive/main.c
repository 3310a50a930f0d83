// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nschroot-archive: the tarball extractor and writer that `nschroot create`
 * and `nschroot export` run, kept out of nschroot itself so that the run
 * path never loads libarchive (DESIGN.md, "The start-up path").
 *
 *   nschroot-archive extract [--progress=auto|always|never] [--size=BYTES]
 *                            [--image=oci|oci-archive|docker-archive
 *                             [--ref=REF]] [--arch=ARCH] DIR
 *   nschroot-archive write [--compress=gzip|xz|zstd|none] [--level=N]
 *                          [--format=tar|oci-archive|docker-archive
 *                           --image-config=JSON [--image-tag=TAG]]
 *                          [--progress=auto|always|never] DIR
 *
 * extract: the archive comes on standard input; DIR is an existing (empty)
 * staging directory, an absolute path. Before the first byte is read the
 * process is confined to DIR (confine.c). On success one line goes to
 * standard output, "entries=N bytes=N skipped_devices=N", and the status is
 * 0; on failure DIR holds whatever was extracted so far: the caller
 * removes it.
 *
 * --image: standard input is an image instead of a tarball: an OCI
 * layout's directory (oci), or an uncompressed tar archive in a regular
 * file (oci-archive, docker-archive), REF naming one of several images in
 * it. A tarball that is a regular file is looked into first: an
 * uncompressed tar with manifest.json or oci-layout at its top is taken
 * as an image (what `docker save` writes). --arch (Debian's name) chooses
 * in an image index, and the image must be for it; the host's by default.
 * The image's layers are applied in order (apply.c), and after the summary
 * line come its settings, as box.conf lines: image-digest=, image-id=,
 * image-env=, image-entrypoint=, image-cmd=, image-workdir=, image-user=.
 *
 * write: the tree at DIR, an absolute path, goes to standard output as a
 * tar archive, read from inside the same confinement, so that the ids are
 * those seen inside the box (the caller's own files belong to 0). On
 * failure the output is incomplete: the caller discards it. With
 * --format=oci-archive or docker-archive, the tar is the one layer of a
 * container image, written in a tar of its own (image-write.c): standard
 * output must then be a seekable file. --image-config is the image's
 * config object but its rootfs, which nschroot builds from box.conf;
 * --image-tag the name the image is given (docker-archive's tag, the OCI
 * index's ref name; "latest" there without it). The default
 * --compress is gzip, none for docker-archive (as docker save writes it);
 * --level is the compressor's (parse_compression_level), its own by default.
 *
 * --in-userns: nschroot started us in a user namespace it mapped (auto
 * mode: with the subordinate ids); only the mount namespace is ours to
 * make. --keep-ids=UIDS:GIDS (extract): that namespace maps 0..UIDS-1 and
 * 0..GIDS-1, and the archive's owners are restored; the summary line then
 * ends with "unmapped_ids=N", the entries whose owner was out of range.
 *
 * --unconfined: no namespace at all, where user namespaces are refused (the
 * proot backend): DIR is only the working directory (confine.c, stay_in),
 * and write gives the caller's own ids as 0.
 *
 * Either way, on failure one line "nschroot: …" goes to standard error and
 * the status is 125.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "archive/apply.h"
#include "archive/confine.h"
#include "archive/extract.h"
#include "archive/image-write.h"
#include "archive/lift.h"
#include "util/progress.h"
#include "archive/write.h"
#include "base/arch.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/text.h"

static const char usage_text[] =
    "Usage: nschroot-archive extract [--progress=auto|always|never] [--size=BYTES]\n"
    "                                [--image=oci|oci-archive|docker-archive [--ref=REF]]\n"
    "                                [--arch=ARCH]\n"
    "                                [--in-userns [--keep-ids=UIDS:GIDS] | --unconfined] DIR\n"
    "       nschroot-archive write [--compress=gzip|xz|zstd|none] [--level=N]\n"
    "                              [--format=tar|oci-archive|docker-archive\n"
    "                               --image-config=JSON [--image-tag=TAG]]\n"
    "                              [--progress=auto|always|never]\n"
    "                              [--in-userns | --unconfined] DIR\n"
    "Extract the tar archive (or the container image) on standard input into the\n"
    "directory DIR, or write\n"
    "the tree at DIR to standard output as a tar archive, or as a container image\n"
    "in one.\n";

#ifdef __SANITIZE_ADDRESS__
/*
 * LeakSanitizer checks at exit by reading /proc/PID/task, which is out of
 * reach once the process is confined: in a sanitized build every exit would
 * become its own fatal error. The other checks of AddressSanitizer stay on.
 */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return 1;
}
#endif

enum mode { MODE_EXTRACT, MODE_WRITE };

struct options {
	enum mode mode;
	enum compression compress;
	bool compress_given;
	const char *level_arg; /* --level, checked against the compression */
	int level;	       /* -1: the compressor's default */
	struct image_options image;
	const char *dir;
	uint64_t size;
	bool progress;
	bool in_userns;
	bool unconfined;
	struct extract_options extract;
	enum image_source source; /* extract's */
	struct image_choice choice;
};

static noreturn __attribute__((format(printf, 1, 2))) void usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	fputs(usage_text, stderr);
	exit(EXIT_SETUP);
}

static int parse_ids(const char *s, struct extract_options *x)
{
	uint32_t uids, gids;
	const char *colon = strchr(s, ':');
	if (!colon)
		return -EINVAL;
	char first[24];
	if ((size_t)(colon - s) >= sizeof(first))
		return -EINVAL;
	memcpy(first, s, (size_t)(colon - s));
	first[colon - s] = '\0';
	if (parse_u32(first, 1, UINT32_MAX, &uids) < 0 ||
	    parse_u32(colon + 1, 1, UINT32_MAX, &gids) < 0)
		return -EINVAL;
	*x = (struct extract_options){ .keep_owners = true, .uids = uids, .gids = gids };
	return 0;
}

/* The command, argv[1], before its options (or --help alone). */
static void parse_mode(int argc, char **argv, struct options *o)
{
	static const struct name_value modes[] = {
		{ "extract", MODE_EXTRACT },
		{ "write", MODE_WRITE },
		{ NULL, 0 },
	};
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		exit(0);
	}
	int mode;
	if (argc < 2 || name_to_value(modes, argv[1], &mode) < 0)
		usage_error("expected the command 'extract' or 'write'");
	o->mode = (enum mode)mode;
}

enum {
	OPT_PROGRESS = CHAR_MAX + 1,
	OPT_SIZE,
	OPT_COMPRESS,
	OPT_LEVEL,
	OPT_FORMAT,
	OPT_IMAGE_CONFIG,
	OPT_IMAGE_TAG,
	OPT_IN_USERNS,
	OPT_UNCONFINED,
	OPT_KEEP_IDS,
	OPT_IMAGE,
	OPT_REF,
	OPT_ARCH,
	OPT_HELP
};

/* An option of write alone, given to extract. */
static void only_write(const struct options *o, const char *opt)
{
	if (o->mode != MODE_WRITE)
		usage_error("%s is an option of write", opt);
}

/* The options of write's output. */
static void take_output_option(int c, struct options *o)
{
	int value;
	switch (c) {
	case OPT_COMPRESS:
		only_write(o, "--compress");
		if (name_to_value(compression_names, optarg, &value) < 0)
			usage_error("invalid --compress '%s' (gzip, xz, zstd or none)", optarg);
		o->compress = (enum compression)value;
		o->compress_given = true;
		break;
	case OPT_LEVEL:
		only_write(o, "--level");
		o->level_arg = optarg;
		break;
	case OPT_FORMAT:
		only_write(o, "--format");
		if (name_to_value(export_format_names, optarg, &value) < 0)
			usage_error("invalid --format '%s' (tar, oci-archive or docker-archive)",
				    optarg);
		o->image.format = (enum export_format)value;
		break;
	case OPT_IMAGE_CONFIG:
		only_write(o, "--image-config");
		if (!image_config_ok(optarg))
			usage_error("invalid --image-config: a JSON object is expected");
		o->image.config = optarg;
		break;
	default: /* OPT_IMAGE_TAG */
		only_write(o, "--image-tag");
		o->image.tag = optarg;
	}
}

/* The options of extract's input: which image, of which platform. */
static void take_input_option(int c, struct options *o)
{
	static const struct name_value sources[] = {
		{ "oci", SOURCE_OCI_DIR },
		{ "oci-archive", SOURCE_OCI_TAR },
		{ "docker-archive", SOURCE_DOCKER_TAR },
		{ NULL, 0 },
	};
	int value;
	if (o->mode != MODE_EXTRACT)
		usage_error("--image, --ref and --arch are options of extract");
	if (c == OPT_IMAGE && name_to_value(sources, optarg, &value) < 0)
		usage_error("invalid --image '%s' (oci, oci-archive or docker-archive)", optarg);
	else if (c == OPT_IMAGE)
		o->source = (enum image_source)value;
	else if (c == OPT_REF)
		o->choice.ref = optarg;
	else if (!arch_oci_name(optarg, &(const char *){ NULL }))
		usage_error("invalid --arch '%s': not an architecture images name", optarg);
	else
		o->choice = (struct image_choice){ .format = o->choice.format,
						   .ref = o->choice.ref,
						   .arch = optarg,
						   .arch_given = true };
}

static void take_option(int c, struct options *o, char **argv)
{
	int value;
	switch (c) {
	case OPT_PROGRESS:
		if (name_to_value(progress_names, optarg, &value) < 0)
			usage_error("invalid --progress '%s' (auto, always or never)", optarg);
		if (value != PROGRESS_AUTO)
			o->progress = value == PROGRESS_ALWAYS;
		break;
	case OPT_SIZE:
		if (o->mode != MODE_EXTRACT)
			usage_error("--size is an option of extract");
		if (parse_u64(optarg, 0, UINT64_MAX, &o->size) < 0)
			usage_error("invalid --size '%s': a number of bytes", optarg);
		break;
	case OPT_COMPRESS:
	case OPT_LEVEL:
	case OPT_FORMAT:
	case OPT_IMAGE_CONFIG:
	case OPT_IMAGE_TAG:
		take_output_option(c, o);
		break;
	case OPT_IMAGE:
	case OPT_REF:
	case OPT_ARCH:
		take_input_option(c, o);
		break;
	case OPT_IN_USERNS:
		o->in_userns = true;
		break;
	case OPT_UNCONFINED:
		o->unconfined = true;
		break;
	case OPT_KEEP_IDS:
		if (o->mode != MODE_EXTRACT)
			usage_error("--keep-ids is an option of extract");
		if (parse_ids(optarg, &o->extract) < 0)
			usage_error("invalid --keep-ids '%s': UIDS:GIDS, two counts", optarg);
		break;
	case OPT_HELP:
		fputs(usage_text, stdout);
		exit(0);
	default:
		usage_error("unknown option '%s'", argv[optind - 1]);
	}
}

/* The compression's level, where one is given. */
static void check_level(struct options *o)
{
	char why[64];
	if (o->level_arg &&
	    parse_compression_level(o->compress, o->level_arg, &o->level, why, sizeof(why)) < 0)
		usage_error("invalid --level '%s': %s", o->level_arg, why);
}

/* What the options say together. */
static void check_options(struct options *o)
{
	if (o->in_userns && o->unconfined)
		usage_error("--in-userns and --unconfined exclude each other");
	if (o->extract.keep_owners && !o->in_userns)
		usage_error("--keep-ids needs --in-userns: one id is mapped otherwise");
	if (o->choice.ref && o->source == SOURCE_AUTO)
		usage_error("--ref needs --image");
	if (o->image.format == FORMAT_TAR) {
		check_level(o);
		if (o->image.config || o->image.tag)
			usage_error("--image-config and --image-tag are for an image --format");
		return;
	}
	if (!o->compress_given && o->image.format == FORMAT_DOCKER_ARCHIVE)
		o->compress = COMPRESS_NONE;
	if (!image_compression_ok(o->image.format, o->compress))
		usage_error("--format=%s cannot have --compress=%s",
			    value_to_name(export_format_names, (int)o->image.format, "?"),
			    value_to_name(compression_names, (int)o->compress, "?"));
	check_level(o);
	if (!o->image.config)
		usage_error("an image --format needs --image-config");
	if (o->image.format == FORMAT_DOCKER_ARCHIVE && !o->image.tag)
		usage_error("--format=docker-archive needs --image-tag");
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "in-userns", no_argument, NULL, OPT_IN_USERNS },
		{ "unconfined", no_argument, NULL, OPT_UNCONFINED },
		{ "keep-ids", required_argument, NULL, OPT_KEEP_IDS },
		{ "progress", required_argument, NULL, OPT_PROGRESS },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "image-config", required_argument, NULL, OPT_IMAGE_CONFIG },
		{ "image-tag", required_argument, NULL, OPT_IMAGE_TAG },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "ref", required_argument, NULL, OPT_REF },
		{ "arch", required_argument, NULL, OPT_ARCH },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	parse_mode(argc, argv, o);
	o->source = SOURCE_AUTO;
	o->choice = (struct image_choice){ .format = IMAGE_AUTO, .arch = arch_host() };
	argc--;
	argv++;

	o->progress = isatty(STDERR_FILENO);
	o->compress = COMPRESS_GZIP;
	o->level = -1;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1)
		take_option(c, o, argv);
	if (optind != argc - 1)
		usage_error("%s takes one directory", o->mode == MODE_WRITE ? "write" : "extract");
	check_options(o);
	o->dir = argv[optind];
	if (o->dir[0] != '/')
		usage_error("the directory must be an absolute path, not '%s'", o->dir);
}

/*
 * Interrupted, the extractor just dies: the caller removes the staging
 * directory. Signal dispositions and the mask are inherited across exec, so
 * a caller that ignores or blocks these (as nschroot's own run path blocks
 * signals it forwards) would otherwise leave us unkillable by them. When the
 * caller dies, so do we: there is no one left to use the result.
 */
static void reset_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		signal(sigs[i], SIG_DFL);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Set after the user namespace is made: a change of credentials clears it. */
static void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		exit(EXIT_SETUP);
}

/* The length of the valid UTF-8 sequence s starts with (no overlong form,
 * no surrogate, nothing above U+10FFFF), or 0. Stops at the first byte
 * that does not fit, so never reads past the string's end. */
static size_t utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Room for a message of up to 1 KiB, each byte shown as \xNN. */
#define SHOWN_MAX (4 * 1024 + 4)

/*
 * An archive's names (and a box's, for write) are anyone's bytes: one that
 * holds ESC [ 2 J would clear the caller's screen, one with a newline would
 * fake a line of ours. Every message that can quote a name goes out through
 * here: control characters (text.h) and bytes that are not UTF-8 become
 * \xNN; a message too long for buf ends in "...".
 */
static const char *shown(const char *s, char buf[SHOWN_MAX])
{
	size_t n = 0;
	while (*s) {
		size_t ctl = control_char_len(s), len = ctl ? 0 : utf8_len(s);
		size_t bytes = len ? len : ctl ? ctl : 1;
		if (n + (len ? len : 4 * bytes) + sizeof("...") > SHOWN_MAX)
			break;
		if (len)
			memcpy(buf + n, s, len);
		for (size_t i = 0; !len && i < bytes; i++)
			snprintf(buf + n + 4 * i, SHOWN_MAX - n - 4 * i, "\\x%02x",
				 (unsigned char)s[i]);
		n += len ? len : 4 * bytes;
		s += bytes;
	}
	strcpy(buf + n, *s ? "..." : "");
	return buf;
}

struct reporter {
	struct progress bar;
	/* Each distinct warning is printed once. */
	char *seen[16];
	size_t nseen;
	bool more;
};

static void on_progress(void *ctx, uint64_t raw)
{
	struct reporter *rep = ctx;
	progress_update(&rep->bar, raw);
}

static void on_warning(void *ctx, const char *path, const char *msg)
{
	struct reporter *rep = ctx;
	for (size_t i = 0; i < rep->nseen; i++)
		if (strcmp(rep->seen[i], msg) == 0)
			return;
	progress_clear(&rep->bar);
	if (rep->nseen == sizeof(rep->seen) / sizeof(rep->seen[0])) {
		if (!rep->more)
			log_warning("more warnings, not shown");
		rep->more = true;
		return;
	}
	rep->seen[rep->nseen] = strdup(msg);
	if (rep->seen[rep->nseen])
		rep->nseen++;
	char shown_path[SHOWN_MAX], shown_msg[SHOWN_MAX];
	log_warning("'%s': %s", shown(path ? path : "?", shown_path), shown(msg, shown_msg));
}

/* A tree under one directory becomes the root (lift.c); said, since the
 * box's names then differ from the archive's. */
static int lift(struct failure *f)
{
	_cleanup_close_ int root = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return fail(f, errno, "cannot open the extracted tree");
	char name[NAME_MAX + 1];
	int r = lift_single_top(root, name, sizeof(name), f);
	if (r > 0) {
		char name_shown[SHOWN_MAX];
		log_warning("every entry of the archive is under '%s/': its contents are the root",
			    shown(name, name_shown));
	}
	return r < 0 ? r : 0;
}

static int print_summary(const struct options *o, const struct extract_stats *st,
			 const char *settings, struct failure *f)
{
	printf("entries=%" PRIu64 " bytes=%" PRIu64 " skipped_devices=%" PRIu64, st->entries,
	       st->bytes, st->skipped_devices);
	if (o->extract.keep_owners)
		printf(" unmapped_ids=%" PRIu64, st->unmapped_ids);
	printf("\n%s", settings ? settings : "");
	if (fflush(stdout) != 0 || ferror(stdout))
		return fail(f, errno, "cannot write to standard output");
	return 0;
}

static void cleanup_blobsp(struct blobs **b)
{
	blobs_free(*b);
}

/* The image's settings, checked before any layer is read. */
static int image_settings(const struct image *img, char **text, struct failure *f)
{
	size_t len;
	FILE *m = open_memstream(text, &len);
	if (!m)
		return fail(f, errno, "cannot record the image's config");
	int r = image_print_config(img, m, f);
	if (fclose(m) != 0 && r == 0)
		r = fail(f, ENOMEM, "cannot record the image's config");
	return r;
}

/* The image on standard input, or -ENOMSG: it is a tarball. */
static int extract_image(const struct options *o, struct reporter *rep,
			 const struct archive_hooks *hooks, struct failure *f)
{
	struct image_choice c = o->choice;
	c.format = o->source == SOURCE_DOCKER_TAR ? IMAGE_DOCKER
		   : o->source == SOURCE_AUTO	  ? IMAGE_AUTO
						  : IMAGE_OCI;
	__attribute__((cleanup(cleanup_blobsp))) struct blobs *b = NULL;
	struct image img;
	int r = image_load(STDIN_FILENO, o->source, &c, &b, &img, f);
	if (r < 0)
		return r;
	_cleanup_free_ char *settings = NULL;
	r = image_settings(&img, &settings, f);
	struct extract_stats st = { 0 };
	if (r == 0) {
		progress_start(&rep->bar, o->progress, img.total, "extracting");
		r = image_apply(&img, &o->extract, hooks, &st, f);
		progress_clear(&rep->bar);
	}
	image_free(&img);
	return r < 0 ? r : print_summary(o, &st, settings, f);
}

static int extract_tree(const struct options *o, struct reporter *rep, struct failure *f)
{
	struct archive_hooks hooks = { .progress = on_progress, .warning = on_warning, .ctx = rep };
	int r = extract_image(o, rep, &hooks, f);
	if (r != -ENOMSG)
		return r;
	if (o->choice.arch_given)
		return fail_said(f, EINVAL,
				 "--arch chooses an image's platform: the source is a "
				 "root filesystem's tarball, not an image");
	progress_start(&rep->bar, o->progress, o->size, "extracting");
	struct extract_stats st = { 0 };
	struct extract_input x = { .in = { .fd = STDIN_FILENO } };
	r = extract_archive(&x, &o->extract, &hooks, &st, f);
	if (r < 0)
		return r;
	progress_clear(&rep->bar);
	r = lift(f);
	return r < 0 ? r : print_summary(o, &st, NULL, f);
}

static int archive_tree(const struct options *o, struct reporter *rep, struct failure *f)
{
	progress_start(&rep->bar, o->progress, 0, "exporting");
	struct archive_hooks hooks = { .progress = on_progress, .warning = on_warning, .ctx = rep };
	struct write_stats st = { 0 };
	struct write_options wo = {
		.compress = o->compress, .level = o->level, .root_uid = -1, .root_gid = -1
	};
	if (o->unconfined) {
		wo.root_uid = getuid();
		wo.root_gid = getgid();
	}
	if (o->image.format != FORMAT_TAR)
		return image_write(STDOUT_FILENO, &o->image, &wo, &hooks, &st, f);
	return write_archive(STDOUT_FILENO, &wo, &hooks, &st, f);
}

int main(int argc, char **argv)
{
	/* Nothing the caller left open reaches the archive's directory. */
	closefrom(STDERR_FILENO + 1);
	pid_t parent = getppid();

	if (getuid() != geteuid() || getgid() != getegid())
		die("nschroot-archive must not be set-id");

	reset_signals();
	struct options o = { 0 };
	parse_options(argc, argv, &o);
	if (o.mode == MODE_EXTRACT && isatty(STDIN_FILENO))
		die("the archive must come on standard input, not from a terminal");
	if (o.mode == MODE_WRITE && isatty(STDOUT_FILENO))
		die("the archive must go to standard output, not to a terminal");
	/* A reader that goes away is a write error (EPIPE) to report, not a
	 * silent death. */
	if (o.mode == MODE_WRITE)
		signal(SIGPIPE, SIG_IGN);

	confine_preload();
	struct failure f = { 0 };
	int r = o.unconfined ? stay_in(o.dir, &f) : confine_to(o.dir, o.in_userns, &f);
	o.extract.confined = !o.unconfined;
	if (r < 0) {
		log_failure(&f);
		return EXIT_SETUP;
	}
	die_with_parent(parent);

	struct reporter rep = { 0 };
	r = o.mode == MODE_WRITE ? archive_tree(&o, &rep, &f) : extract_tree(&o, &rep, &f);
	progress_clear(&rep.bar);
	for (size_t i = 0; i < rep.nseen; i++)
		free(rep.seen[i]);
	if (r < 0) {
		/* What names the archive's entries: shown (as every message
		 * quoting them is), then said as any failure is. */
		char what[SHOWN_MAX];
		snprintf(f.what, sizeof(f.what), "%s", shown(f.what, what));
		log_failure(&f);
		return EXIT_SETUP;
	}
	return 0;
}
