# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for nschroot(1).
#
# Uses bash-completion's helpers when they are loaded, and plain compgen
# otherwise. Options come before the operands (getopt with '+'): after
# TARGET, `run` completes a command and its arguments.

# The commands of nschroot.
_nschroot_commands='run enter create list info rm export fixup remap exec ps config doctor help'

# The options of run and enter, which config saves (but for --preserve-fd,
# which cannot be saved); -h and --help apart.
_nschroot_run_opts='--map= --bind --ro-bind --tmpfs -w --chdir
	-e --env --unsetenv --keep-env --hostname --uid --gid
	--read-only --ephemeral --net= --publish --dev= --proc= --preserve-fd --fakeroot= --cap-add
	--cap-drop --no-new-privs --home --x11 --wayland --pulse --gpu --desktop --backend='

# The names of capabilities(7), for --cap-add and --cap-drop.
_nschroot_caps='CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM'

# Whether option $2 of command $1 takes the next word as its argument.
_nschroot_takes_arg()
{
	case $1:$2 in
	run:* | enter:* | config:*)
		case $2 in
		--map | --bind | --ro-bind | --tmpfs | -w | --chdir | -e | --env | --unsetenv | \
			--hostname | --uid | --gid | --net | --publish | --dev | --proc | --preserve-fd | --fakeroot | \
			--cap-add | --cap-drop | --backend)
			return 0
			;;
		esac
		;;
	exec:--instance | exec:--uid | exec:--gid | exec:-w | exec:--chdir | exec:-e | exec:--env | \
		exec:--unsetenv | \
		create:--map | create:--progress | create:--backend | create:--arch | create:--from | \
		export:--compress | export:--level | \
		export:--format | export:--progress | remap:--map | remap:--progress)
		return 0
		;;
	esac
	return 1
}

# The names of the boxes in the store (DESIGN.md, "The store").
_nschroot_boxes()
{
	local store box
	if [[ -n ${NSCHROOT_HOME-} ]]; then
		store=$NSCHROOT_HOME
	elif [[ ${XDG_DATA_HOME-} == /* ]]; then
		store=$XDG_DATA_HOME/nschroot
	else
		store=${HOME-}/.local/share/nschroot
	fi
	for box in "$store"/boxes/*/rootfs; do
		[[ -d $box ]] || continue
		box=${box%/rootfs}
		box=${box##*/}
		[[ $box =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] && printf '%s\n' "$box"
	done
}

# _nschroot_box_names [FROM]: add the box names that start with $cur, but
# those already given in words[FROM..cword-1].
_nschroot_box_names()
{
	local from=${1-$cword} box i
	local IFS=$'\n'
	for box in $(compgen -W "$(_nschroot_boxes)" -- "$cur"); do
		for ((i = from; i < cword; i++)); do
			[[ ${words[i]} == "$box" ]] && continue 2
		done
		COMPREPLY+=("$box")
	done
}

_nschroot_dirs()
{
	if declare -F _filedir >/dev/null; then
		_filedir -d
	else
		compopt -o filenames 2>/dev/null
		local IFS=$'\n'
		COMPREPLY+=($(compgen -d -- "$cur"))
	fi
}

_nschroot_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir
	else
		compopt -o filenames 2>/dev/null
		local IFS=$'\n'
		COMPREPLY+=($(compgen -f -- "$cur"))
	fi
}

# _nschroot_options WORDS: the options in WORDS that start with $cur; no
# space after one that ends in '=', to type its value.
_nschroot_options()
{
	COMPREPLY=($(compgen -W "$1" -- "$cur"))
	[[ ${COMPREPLY-} == *= ]] && compopt -o nospace 2>/dev/null
}

# _nschroot_values WORD...: the values of an option given as --opt=VALUE.
_nschroot_values()
{
	local IFS=$' \t\n' v
	for v in $(compgen -W "$*" -- "$cur"); do
		# Where '=' does not split words, the whole word is replaced.
		if $split && [[ $COMP_WORDBREAKS != *=* ]]; then
			COMPREPLY+=("$prev=$v")
		else
			COMPREPLY+=("$v")
		fi
	done
}

# The argument of option $prev of command $sub.
_nschroot_option_arg()
{
	case $sub:$prev in
	create:--map) _nschroot_values root auto keep-id ;;
	create:--arch) _nschroot_values amd64 arm64 armhf armel i386 ppc64el s390x riscv64 ;;
	create:--from) _nschroot_values $(_nschroot_boxes) ;;
	create:--progress | export:--progress | remap:--progress) _nschroot_values auto always never ;;
	remap:--map) _nschroot_values auto keep-id ;;
	export:--compress) _nschroot_values gzip xz zstd none ;;
	export:--level) _nschroot_values 1 2 3 4 5 6 7 8 9 ;;
	export:--format) _nschroot_values tar oci-archive docker-archive ;;
	*:--map) _nschroot_values root user auto keep-id ;;
	*:--net) _nschroot_values host none pasta ;;
	*:--dev) _nschroot_values minimal host ;;
	*:--proc) _nschroot_values fresh host ;;
	*:--fakeroot) _nschroot_values seccomp none ;;
	*:--backend) _nschroot_values auto ns proot ;;
	*:--cap-add | *:--cap-drop) COMPREPLY=($(compgen -W "ALL $_nschroot_caps" -- "${cur^^}")) ;;
	*:--bind | *:--ro-bind)
		# SRC is on the host; DEST, after ':', is inside the rootfs.
		[[ $cur == *:* ]] || _nschroot_dirs
		;;
	*:-w | *:--chdir) _nschroot_dirs ;;
	*:-e | *:--env | *:--unsetenv)
		[[ $cur == *=* ]] || COMPREPLY=($(compgen -e -- "$cur"))
		;;
	esac
}

# Where the options of command $sub end, in words[2..cword-1]: sets first
# to the index of the first operand (empty while options may still come),
# and optarg to true when the word at the cursor is the argument of the
# option before it.
_nschroot_scan()
{
	local i
	first='' optarg=false
	for ((i = 2; i < cword; i++)); do
		case ${words[i]} in
		--)
			first=$((i + 1))
			return
			;;
		-) # standard input, an operand
			first=$i
			return
			;;
		-*)
			_nschroot_takes_arg "$sub" "${words[i]}" && ((i++))
			;;
		*)
			first=$i
			return
			;;
		esac
	done
	((i > cword)) && optarg=true
	return 0
}

# _nschroot_before_operands OPTIONS: complete an option, or the argument
# of one, while no operand has been given. Returns 1 when the word at the
# cursor is an operand.
_nschroot_before_operands()
{
	[[ -z $first ]] || return 1
	if $split || $optarg; then
		_nschroot_option_arg
	elif [[ $cur == -* ]]; then
		_nschroot_options "$1"
	else
		return 1
	fi
	return 0
}

# Complete the command after TARGET, starting at words[$1].
_nschroot_command()
{
	local first=$1
	if declare -F _command_offset >/dev/null; then
		# _command_offset counts in COMP_WORDS, which bash splits at '='
		# and ':' too: find where words[first] starts there.
		local i=0 j=0 acc
		while ((i < first)); do
			acc=
			while [[ $acc != "${words[i]}" ]] && ((j < ${#COMP_WORDS[@]})); do
				acc+=${COMP_WORDS[j]}
				((j++))
			done
			((i++))
		done
		_command_offset "$j"
	elif ((cword == first)); then
		COMPREPLY=($(compgen -c -- "$cur"))
	else
		compopt -o filenames 2>/dev/null
		local IFS=$'\n'
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

# run and enter: [OPTIONS] TARGET [COMMAND [ARG]...]
_nschroot_run()
{
	if [[ -n $first ]] && ((first < cword)); then
		[[ $sub == run ]] && _nschroot_command $((first + 1))
		return
	fi
	_nschroot_before_operands "$_nschroot_run_opts -h --help" && return

	# TARGET: a directory, or a box name (a word without '/').
	_nschroot_dirs
	[[ $cur != */* ]] && _nschroot_box_names
}

# exec: [OPTIONS] NAME [COMMAND...]: a box, then a command.
_nschroot_exec()
{
	if [[ -n $first ]] && ((first < cword)); then
		_nschroot_command $((first + 1))
		return
	fi
	_nschroot_before_operands '--instance= --uid --gid -w --chdir -e --env --unsetenv
		--keep-env -h --help' && return
	_nschroot_box_names
}

# config: NAME [OPTIONS]: a box, then the options to save (run's, but
# --preserve-fd), or --reset.
_nschroot_config()
{
	if ((cword == 2)); then
		if [[ $cur == -* ]]; then
			_nschroot_options '-h --help'
		else
			_nschroot_box_names
		fi
		return
	fi
	local i
	optarg=false
	for ((i = 3; i < cword; i++)); do
		[[ ${words[i]} == -* ]] && _nschroot_takes_arg config "${words[i]}" && ((i++))
	done
	((i > cword)) && optarg=true
	if $split || $optarg; then
		_nschroot_option_arg
	elif [[ $cur == -* ]]; then
		_nschroot_options "${_nschroot_run_opts/--preserve-fd/} --reset"
	fi
}

# create: [OPTIONS] NAME SOURCE. NAME is new: nothing to offer. SOURCE is a
# tarball, '-', a directory, or an image by its transport: oci:DIR,
# oci-archive:FILE, docker-archive:FILE (paths after the transport, where
# bash-completion keeps the colon in the word), docker://REF.
_nschroot_create()
{
	_nschroot_before_operands '--map= --no-fixup --arch= --progress= --backend= --from= -h --help' &&
		return
	[[ -n $first ]] && ((cword == first + 1)) || return
	local transport IFS=$'\n'
	for transport in oci: oci-archive: docker-archive:; do
		[[ $cur == "$transport"* ]] || continue
		compopt -o filenames 2>/dev/null
		if [[ $transport == oci: ]]; then
			COMPREPLY=($(compgen -d -- "${cur#"$transport"}"))
		else
			COMPREPLY=($(compgen -f -- "${cur#"$transport"}"))
		fi
		COMPREPLY=("${COMPREPLY[@]/#/$transport}")
		declare -F __ltrim_colon_completions >/dev/null && __ltrim_colon_completions "$cur"
		return
	done
	[[ $cur == *:* ]] && return
	_nschroot_files
	local transports=($(compgen -W $'oci:\noci-archive:\ndocker-archive:\ndocker://' -- "$cur"))
	if [[ -n $cur && ${#transports[@]} -gt 0 ]]; then
		COMPREPLY+=("${transports[@]}")
		compopt -o nospace 2>/dev/null
	fi
}

# export: [OPTIONS] NAME FILE|-. NAME is a box; FILE is new or replaced.
_nschroot_export()
{
	_nschroot_before_operands '--compress= --level= --format= --progress= -h --help' && return
	if [[ -z $first ]] || ((cword == first)); then
		_nschroot_box_names
	elif ((cword == first + 1)); then
		_nschroot_files
	fi
}

# fixup: [OPTIONS] TARGET, a directory or a box name, as run's.
_nschroot_fixup()
{
	_nschroot_before_operands '--apt --dpkg --pacman --hosts --user --sudo --all --undo
		-h --help' && return
	[[ -z $first ]] || ((cword == first)) || return
	_nschroot_dirs
	[[ $cur != */* ]] && _nschroot_box_names
}

# remap: NAME --map=MODE [--progress=WHEN], the options before or after
# NAME.
_nschroot_remap()
{
	if $split || $optarg || { [[ -n $first ]] && _nschroot_takes_arg remap "$prev"; }; then
		_nschroot_option_arg
	elif [[ $cur == -* ]]; then
		_nschroot_options '--map= --progress= -h --help'
	elif [[ -z $first ]] || ((cword == first)); then
		_nschroot_box_names
	fi
}

_nschroot()
{
	local cur prev words cword split=false
	if declare -F _init_completion >/dev/null; then
		_init_completion -s -n : || return
	else
		# Without bash-completion: whole words, as typed, up to the cursor.
		local line=${COMP_LINE:0:COMP_POINT}
		read -ra words <<<"$line"
		[[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=("")
		cword=$((${#words[@]} - 1))
		cur=${words[cword]}
		prev=${words[cword - 1]}
		if [[ $cur == --*=* ]]; then
			prev=${cur%%=*}
			cur=${cur#*=}
			split=true
		fi
	fi
	COMPREPLY=()

	if ((cword == 1)); then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_nschroot_commands" -- "$cur"))
		fi
		return
	fi

	local sub=${words[1]} first optarg
	_nschroot_scan
	case $sub in
	run | enter) _nschroot_run ;;
	create) _nschroot_create ;;
	list) _nschroot_before_operands '--json --size -h --help' ;;
	doctor) _nschroot_before_operands '-h --help' ;;
	ps) _nschroot_before_operands '--json -h --help' ;;
	exec) _nschroot_exec ;;
	config) _nschroot_config ;;
	info)
		_nschroot_before_operands '--json -h --help' && return
		# One NAME.
		[[ -z $first ]] || ((cword == first)) && _nschroot_box_names
		;;
	rm)
		# NAME...: each box once.
		_nschroot_before_operands '-f --force -h --help' ||
			_nschroot_box_names "${first:-$cword}"
		;;
	export) _nschroot_export ;;
	fixup) _nschroot_fixup ;;
	remap) _nschroot_remap ;;
	help) ((cword == 2)) && COMPREPLY=($(compgen -W "$_nschroot_commands" -- "$cur")) ;;
	esac
}

complete -F _nschroot nschroot
