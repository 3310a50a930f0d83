# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for nschroot(1).
#
# Uses bash-completion's helpers when they are loaded, and plain compgen
# otherwise. Options come before TARGET (getopt with '+'): after TARGET,
# `run` completes a command and its arguments.

# Whether option $1 of run and enter takes the next word as its argument.
_nschroot_takes_arg()
{
	case $1 in
	--map | --bind | --ro-bind | --tmpfs | -w | --chdir | -e | --env | --unsetenv | \
		--hostname | --uid | --gid | --net | --dev | --preserve-fd | --fakeroot)
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

# The argument of option $prev.
_nschroot_option_arg()
{
	case $prev in
	--map) _nschroot_values root user ;;
	--net) _nschroot_values host none ;;
	--dev) _nschroot_values minimal host ;;
	--fakeroot) _nschroot_values seccomp none ;;
	--bind | --ro-bind)
		# SRC is on the host; DEST, after ':', is inside the rootfs.
		[[ $cur == *:* ]] || _nschroot_dirs
		;;
	-w | --chdir) _nschroot_dirs ;;
	-e | --env | --unsetenv)
		[[ $cur == *=* ]] || COMPREPLY=($(compgen -e -- "$cur"))
		;;
	esac
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

_nschroot_run()
{
	local sub=$1 i target=

	# Past the options to TARGET; i ends past cword when the word at the
	# cursor is the argument of the option before it.
	for ((i = 2; i < cword; i++)); do
		case ${words[i]} in
		--)
			target=$((i + 1))
			break
			;;
		-*)
			_nschroot_takes_arg "${words[i]}" && ((i++))
			;;
		*)
			target=$i
			break
			;;
		esac
	done

	if [[ -n $target ]]; then
		if ((target < cword)); then
			[[ $sub == run ]] && _nschroot_command $((target + 1))
			return
		fi
	elif $split || ((i > cword)); then
		_nschroot_option_arg
		return
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--map= --bind --ro-bind --tmpfs -w --chdir
			-e --env --unsetenv --keep-env --hostname --uid --gid
			--read-only --net= --dev= --preserve-fd --fakeroot= -h --help' \
			-- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi

	# TARGET: a directory, or a box name (a word without '/').
	_nschroot_dirs
	if [[ $cur != */* ]]; then
		local IFS=$'\n'
		COMPREPLY+=($(compgen -W "$(_nschroot_boxes)" -- "$cur"))
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
			COMPREPLY=($(compgen -W 'run enter help' -- "$cur"))
		fi
		return
	fi

	case ${words[1]} in
	run | enter) _nschroot_run "${words[1]}" ;;
	help) ((cword == 2)) && COMPREPLY=($(compgen -W 'run enter help' -- "$cur")) ;;
	esac
}

complete -F _nschroot nschroot
