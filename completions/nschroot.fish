# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for nschroot(1).
#
# Options come before the operands (getopt with '+'): after TARGET, run
# completes a command and its arguments.

# Where the command line before the cursor stands. The first line is
# "command" (none given yet), "help" (the argument of help), "none", or
# COMMAND:WHERE, where WHERE is "options" (no operand given yet: an option,
# or the first operand) or "argN" (the operand N, from 0, after the
# options). For "argN" the second line is the index of operand 0 among the
# tokens.
function __nschroot_state
    set -l tokens (commandline -opc)
    set -l n (count $tokens)
    if test $n -lt 2
        echo command
        return
    end
    set -l sub $tokens[2]
    # The options that take the next token as their argument.
    set -l takes_arg
    switch $sub
        case help
            test $n -eq 2; and echo help; or echo none
            return
        case run enter
            set takes_arg --map --bind --ro-bind --tmpfs -w --chdir -e --env \
                --unsetenv --hostname --uid --gid --net --publish --dev --proc --preserve-fd --fakeroot \
                --cap-add --cap-drop --backend
        case create
            set takes_arg --map --progress --backend --arch
        case exec
            set takes_arg --instance --uid --gid -w --chdir -e --env --unsetenv
        case export
            set takes_arg --compress --level --format --progress
        case config
            # config NAME [OPTIONS]: the box first, then options alone.
            test $n -eq 2; and echo config:box; or echo config:options
            return
        case remap
            set takes_arg --map --progress
        case list info rm fixup doctor ps
        case '*'
            echo none
            return
    end
    set -l i 3
    while test $i -le $n
        switch $tokens[$i]
            case --
                set i (math $i + 1)
                printf "%s\n" $sub:arg(math $n + 1 - $i) $i
                return
            case -
                printf "%s\n" $sub:arg(math $n + 1 - $i) $i
                return
            case $takes_arg
                set i (math $i + 2)
            case '-*'
                set i (math $i + 1)
            case '*'
                printf "%s\n" $sub:arg(math $n + 1 - $i) $i
                return
        end
    end
    echo $sub:options
end

# __nschroot_is PATTERN...: the state matches one of the glob PATTERNs.
function __nschroot_is
    set -l state (__nschroot_state)[1]
    for pattern in $argv
        string match -q -- $pattern $state; and return 0
    end
    return 1
end

# Past TARGET of run: the command and its arguments.
function __nschroot_after_target_of_run
    __nschroot_is 'run:arg*'; and not __nschroot_is run:arg0
end

# The names of the boxes in the store.
function __nschroot_boxes
    set -l store
    if test -n "$NSCHROOT_HOME"
        set store $NSCHROOT_HOME
    else if string match -q -- '/*' "$XDG_DATA_HOME"
        set store $XDG_DATA_HOME/nschroot
    else
        set store $HOME/.local/share/nschroot
    end
    for rootfs in $store/boxes/*/rootfs
        test -d $rootfs; or continue
        set -l box (string replace -r '.*/([^/]+)/rootfs$' '$1' -- $rootfs)
        string match -qr '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' -- $box
        and printf '%s\tBox\n' $box
    end
end

# The boxes not yet named on the command line, for rm.
function __nschroot_other_boxes
    set -l tokens (commandline -opc)
    for line in (__nschroot_boxes)
        set -l box (string split -m1 \t -- $line)[1]
        contains -- $box $tokens[3..-1]; or printf '%s\n' $line
    end
end

# The command after TARGET, completed as if typed alone.
function __nschroot_command
    set -l tokens (commandline -opc)
    set -l target (__nschroot_state)[2]
    set -l words (string escape -- $tokens[(math $target + 1)..-1]) (commandline -ct)
    complete --do-complete=(string join ' ' -- $words)
end

complete -c nschroot -f

complete -c nschroot -n '__nschroot_is command' -a run -d 'Run a command in a root filesystem'
complete -c nschroot -n '__nschroot_is command' -a enter -d 'Start a login shell in a root filesystem'
complete -c nschroot -n '__nschroot_is command' -a create -d 'Make a box from a tarball, directory or image'
complete -c nschroot -n '__nschroot_is command' -a list -d 'List the boxes in the store'
complete -c nschroot -n '__nschroot_is command' -a info -d "Show a box's settings"
complete -c nschroot -n '__nschroot_is command' -a rm -d 'Remove boxes'
complete -c nschroot -n '__nschroot_is command' -a export -d 'Write a box as a tarball'
complete -c nschroot -n '__nschroot_is command' -a fixup -d 'Apply or undo distribution fixups'
complete -c nschroot -n '__nschroot_is command' -a remap -d 'Convert a box to another map, owners kept'
complete -c nschroot -n '__nschroot_is command' -a exec -d 'Run a command in the running instance of a box'
complete -c nschroot -n '__nschroot_is command' -a ps -d 'List the running instances of boxes'
complete -c nschroot -n '__nschroot_is command' -a config -d 'Save run options in a box'
complete -c nschroot -n '__nschroot_is command' -a doctor -d 'Check what nschroot needs of this machine'
complete -c nschroot -n '__nschroot_is command' -a help -d 'Show help for nschroot or a command'
complete -c nschroot -n '__nschroot_is command' -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is command' -s V -l version -d 'Show the version'

complete -c nschroot -n '__nschroot_is help' -a 'run enter create list info rm export fixup remap exec ps config doctor help'

# run and enter.
# TARGET: a box name, or a directory.
complete -c nschroot -n '__nschroot_is run:options run:arg0 enter:options enter:arg0' -a '(__nschroot_boxes)'
complete -c nschroot -n '__nschroot_is run:options run:arg0 enter:options enter:arg0' -a '(__fish_complete_directories)'

# Only run takes a command after TARGET.
complete -c nschroot -n __nschroot_after_target_of_run -a '(__nschroot_command)'

# Their options, which config saves too (but --preserve-fd).
set -l opts -c nschroot -n '__nschroot_is run:options enter:options config:options'
complete $opts -l map -x -d 'Identity mapping' \
    -a 'root\t"The caller is root inside" user\t"The caller keeps their own ids" auto\t"Root inside, with the subordinate ids" keep-id\t"The caller is themselves inside, with the subordinate ids"'
complete $opts -l bind -x -a '(__fish_complete_directories)' -d 'Bind host SRC[:DEST] inside'
complete $opts -l ro-bind -x -a '(__fish_complete_directories)' -d 'Bind host SRC[:DEST] read-only'
complete $opts -l tmpfs -x -d 'Mount an empty tmpfs on DEST inside'
complete $opts -s w -l chdir -x -a '(__fish_complete_directories)' -d 'Working directory inside'
complete $opts -s e -l env -x -a '(set -xn)' -d 'Set NAME[=VALUE], or copy NAME'
complete $opts -l unsetenv -x -a '(set -xn)' -d 'Remove NAME from the environment'
complete $opts -l keep-env -d "Pass the caller's whole environment"
complete $opts -l home -d "Bind the caller's home at its path"
complete $opts -l hostname -x -d 'Hostname inside'
complete $opts -l uid -x -d 'Run as UID (number or name)'
complete $opts -l gid -x -d 'Run with GID (number or name)'
complete $opts -l read-only -d 'Mount the rootfs read-only'
complete $opts -l ephemeral -d 'Write to an overlay over the rootfs (=DIR: keep it in DIR)'
complete $opts -l net -x -d Network \
    -a 'host\t"The host\'s network" none\t"Only loopback" pasta\t"A network of its own, connected by pasta"'
complete $opts -l publish -x -d 'With --net=pasta, forward [ADDR:]HOSTPORT:PORT[/udp]'
complete $opts -l dev -x -d '/dev inside' \
    -a 'minimal\t"A minimal /dev" host\t"The host\'s /dev"'
complete $opts -l gpu -d 'Bind /dev/dri'
complete $opts -l proc -x -d '/proc inside' \
    -a 'fresh\t"A /proc of the box\'s own" host\t"The host\'s /proc: every host process"'
complete -c nschroot -n '__nschroot_is run:options enter:options' -l preserve-fd -x \
    -d 'Pass file descriptor N to the command'
complete $opts -l fakeroot -x -d 'Fake-root seccomp filter' \
    -a 'seccomp\t"chown, set*id, mknod succeed as no-ops" none\t"No fake root"'
complete $opts -l x11 -d 'Share the X display of DISPLAY'
complete $opts -l wayland -d "Share the Wayland compositor's socket"
complete $opts -l pulse -d 'Share the sound server'
complete $opts -l desktop -d 'keep-id, --home, and what the host has of --x11 --wayland --pulse --gpu'
complete $opts -l backend -x -d 'What runs the box' \
    -a 'auto\t"ns, or proot where user namespaces are refused" ns\t"The namespace engine" proot\t"The system\'s proot"'
# The names of capabilities(7).
set -l caps ALL \
    CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF CAP_CHECKPOINT_RESTORE \
    CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_IPC_LOCK \
    CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN CAP_MAC_OVERRIDE \
    CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON \
    CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN \
    CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE \
    CAP_SYS_RAWIO CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM
complete $opts -l cap-drop -x -d 'Take a capability (or ALL) from the command' -a "$caps"
complete $opts -l cap-add -x -d 'Give a capability (or ALL) back' -a "$caps"
complete $opts -l no-new-privs -d 'Set no_new_privs: set-id programs gain nothing'
complete -c nschroot -n '__nschroot_is run:options enter:options' -s h -l help -d 'Show help'

# config NAME [OPTIONS] | --reset: the box, then run's options.
complete -c nschroot -n '__nschroot_is config:box' -a '(__nschroot_boxes)'
complete -c nschroot -n '__nschroot_is config:box' -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is config:options' -l reset -d 'Remove the saved options'

# create [OPTIONS] NAME SOURCE: NAME is new, SOURCE a tarball, '-' or a
# directory.
set opts -c nschroot -n '__nschroot_is create:options'
complete $opts -l map -x -d "The box's identity mapping" \
    -a 'root\t"The caller is root inside" auto\t"Root inside, with the subordinate ids" keep-id\t"The caller is themselves inside, with the subordinate ids"'
complete $opts -l no-fixup -d 'Do not apply the distribution fixups'
complete $opts -l arch -x -d "A multi-platform image's platform" \
    -a 'amd64 arm64 armhf armel i386 ppc64el s390x riscv64'
complete $opts -l backend -x -d 'What runs the box, recorded' \
    -a 'auto\t"ns, or proot where user namespaces are refused" ns\t"The namespace engine" proot\t"The system\'s proot"'
complete $opts -l progress -x -d 'Progress bar' \
    -a 'auto\t"On a terminal" always\t"Always" never\t"Never"'
complete $opts -l from -x -d 'Copy a box' -a '(__nschroot_boxes)'
complete $opts -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is create:arg1' -F
complete -c nschroot -n '__nschroot_is create:arg1' -a - -d 'Standard input'
complete -c nschroot -n '__nschroot_is create:arg1' -a 'oci: oci-archive: docker-archive: docker://' -d 'An image, by transport'

# export [OPTIONS] NAME FILE|-: NAME a box, FILE written, or '-'.
set opts -c nschroot -n '__nschroot_is export:options'
complete $opts -l format -x -d 'Archive format' \
    -a 'tar\t"A tarball, the default" oci-archive\t"An OCI image layout in a tar" docker-archive\t"An image as docker save writes it"'
complete $opts -l compress -x -d 'Compression' \
    -a 'gzip\t"The default" xz\t"xz" zstd\t"zstd" none\t"No compression"'
complete $opts -l level -x -d 'Compression level (gzip 1-9, xz 0-9, zstd 1-19)'
complete $opts -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is export:options export:arg0' -a '(__nschroot_boxes)'
complete -c nschroot -n '__nschroot_is export:arg1' -F
complete -c nschroot -n '__nschroot_is export:arg1' -a - -d 'Standard output'

# list [--json] [--size]
complete -c nschroot -n '__nschroot_is list:options' -l json -d 'Print JSON'
complete -c nschroot -n '__nschroot_is list:options' -l size -d "Measure each box's disk usage now"
complete -c nschroot -n '__nschroot_is list:options' -s h -l help -d 'Show help'

# doctor
complete -c nschroot -n '__nschroot_is doctor:options' -s h -l help -d 'Show help'

# info [--json] NAME
complete -c nschroot -n '__nschroot_is info:options' -l json -d 'Print JSON'
complete -c nschroot -n '__nschroot_is info:options' -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is info:options info:arg0' -a '(__nschroot_boxes)'

# rm [--force] NAME...
complete -c nschroot -n '__nschroot_is rm:options' -s f -l force -d 'Remove a box even while it is in use'
complete -c nschroot -n '__nschroot_is rm:options' -s h -l help -d 'Show help'
complete -c nschroot -n "__nschroot_is 'rm:*'" -a '(__nschroot_other_boxes)'

# fixup [OPTIONS] TARGET: TARGET a box name, or a directory.
set opts -c nschroot -n '__nschroot_is fixup:options'
complete $opts -l apt -d 'APT::Sandbox::User "root" (apt.conf.d)'
complete $opts -l dpkg -d 'A policy-rc.d so package scripts start no services'
complete $opts -l pacman -d 'No DownloadUser, DisableSandbox in pacman.conf'
complete $opts -l hosts -d 'An /etc/hosts with localhost, when there is none'
complete $opts -l user -d "keep-id: the caller's passwd and group entries"
complete $opts -l sudo -d 'keep-id: sudo for the caller without a password'
complete $opts -l all -d 'Every fixup that fits the rootfs'
complete $opts -l undo -d 'Revert the named fixups, or all of them'
complete $opts -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is fixup:options fixup:arg0' -a '(__nschroot_boxes)'
complete -c nschroot -n '__nschroot_is fixup:options fixup:arg0' -a '(__fish_complete_directories)'

# exec [OPTIONS] NAME [COMMAND...]
set opts -c nschroot -n '__nschroot_is exec:options'
complete $opts -l instance -x -d "The instance whose init is PID"
complete $opts -l uid -x -d 'Run as USER'
complete $opts -l gid -x -d 'Primary group'
complete $opts -s w -l chdir -x -d 'Start in DIR'
complete $opts -s e -l env -x -d 'Set or pass a variable'
complete $opts -l unsetenv -x -d 'Remove a variable'
complete $opts -l keep-env -d 'Keep the whole environment'
complete $opts -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is exec:options exec:arg0' -a '(__nschroot_boxes)'

# ps [--json]
complete -c nschroot -n '__nschroot_is ps:options' -l json -d 'Print JSON'
complete -c nschroot -n '__nschroot_is ps:options' -s h -l help -d 'Show help'

# remap NAME --map=MODE [--progress=WHEN]: the options before or after NAME.
set opts -c nschroot -n '__nschroot_is remap:options remap:arg1'
complete $opts -l map -x -d 'The layout to convert the box to' \
    -a 'auto\t"Root inside is you" keep-id\t"You are yourself inside"'
complete $opts -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is remap:options' -a '(__nschroot_boxes)'

# --progress of export and remap.
complete -c nschroot -n '__nschroot_is export:options remap:options remap:arg1' -l progress -x \
    -d 'Progress bar' -a 'auto\t"On a terminal" always\t"Always" never\t"Never"'
