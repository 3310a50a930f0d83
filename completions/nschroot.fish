# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for nschroot(1).
#
# Options of run and enter come before TARGET (getopt with '+'): after
# TARGET, run completes a command and its arguments.

# Where the command line before the cursor stands: prints "command" (none
# given yet), "help" (the argument of help), "options" (run or enter, before
# TARGET), "target" (after --), "after N" (TARGET is token N), or "none".
function __nschroot_state
    set -l tokens (commandline -opc)
    set -l n (count $tokens)
    if test $n -lt 2
        echo command
        return
    end
    switch $tokens[2]
        case help
            test $n -eq 2; and echo help; or echo none
            return
        case run enter
        case '*'
            echo none
            return
    end
    set -l i 3
    while test $i -le $n
        switch $tokens[$i]
            case --
                set i (math $i + 1)
                if test $i -le $n
                    printf "%s\n" after $i
                else
                    echo target
                end
                return
            case --map --bind --ro-bind --tmpfs -w --chdir -e --env --unsetenv \
                --hostname --uid --gid --net --dev --preserve-fd --fakeroot
                set i (math $i + 2)
            case '-*'
                set i (math $i + 1)
            case '*'
                printf "%s\n" after $i
                return
        end
    end
    echo options
end

# __nschroot_is STATE...: the state is one of STATE.
function __nschroot_is
    contains -- (__nschroot_state)[1] $argv
end

# Only run takes a command after TARGET.
function __nschroot_after_target_of_run
    set -l tokens (commandline -opc)
    test "$tokens[2]" = run; and __nschroot_is after
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
complete -c nschroot -n '__nschroot_is command' -a help -d 'Show help for nschroot or a command'
complete -c nschroot -n '__nschroot_is command' -s h -l help -d 'Show help'
complete -c nschroot -n '__nschroot_is command' -s V -l version -d 'Show the version'

complete -c nschroot -n '__nschroot_is help' -a 'run enter help'

# TARGET: a box name, or a directory.
complete -c nschroot -n '__nschroot_is options target' -a '(__nschroot_boxes)'
complete -c nschroot -n '__nschroot_is options target' -a '(__fish_complete_directories)'

complete -c nschroot -n __nschroot_after_target_of_run -a '(__nschroot_command)'

set -l opts -c nschroot -n '__nschroot_is options'
complete $opts -l map -x -d 'Identity mapping' \
    -a 'root\t"The caller is root inside" user\t"The caller keeps their own ids"'
complete $opts -l bind -x -a '(__fish_complete_directories)' -d 'Bind host SRC[:DEST] inside'
complete $opts -l ro-bind -x -a '(__fish_complete_directories)' -d 'Bind host SRC[:DEST] read-only'
complete $opts -l tmpfs -x -d 'Mount an empty tmpfs on DEST inside'
complete $opts -s w -l chdir -x -a '(__fish_complete_directories)' -d 'Working directory inside'
complete $opts -s e -l env -x -a '(set -xn)' -d 'Set NAME[=VALUE], or copy NAME'
complete $opts -l unsetenv -x -a '(set -xn)' -d 'Remove NAME from the environment'
complete $opts -l keep-env -d "Pass the caller's whole environment"
complete $opts -l hostname -x -d 'Hostname inside'
complete $opts -l uid -x -d 'Run as UID (number or name)'
complete $opts -l gid -x -d 'Run with GID (number or name)'
complete $opts -l read-only -d 'Mount the rootfs read-only'
complete $opts -l net -x -d Network \
    -a 'host\t"The host\'s network" none\t"Only loopback"'
complete $opts -l dev -x -d '/dev inside' \
    -a 'minimal\t"A minimal /dev" host\t"The host\'s /dev"'
complete $opts -l preserve-fd -x -d 'Pass file descriptor N to the command'
complete $opts -l fakeroot -x -d 'Fake-root seccomp filter' \
    -a 'seccomp\t"chown, set*id, mknod succeed as no-ops" none\t"No fake root"'
complete $opts -s h -l help -d 'Show help'
