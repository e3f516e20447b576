# bash completion for tide, the Tidewater command-line tool      -*- shell-script -*-
#
# Version 2.1.0 - for tide 2.0 and later.
#
# Install for the current user:
#   mkdir -p ~/.local/share/bash-completion/completions
#   cp tide-completion.bash ~/.local/share/bash-completion/completions/tide
#
# Install for all users (needs root):
#   sudo install -m 0644 tide-completion.bash /etc/bash_completion.d/tide
#
# Or load it into the current shell only:
#   source tide-completion.bash
#
# Backup set names, retention policy names and snapshot IDs are completed live
# by asking tide itself (`tide backup list --names-only`,
# `tide retention list --names-only`, `tide snapshot list --ids-only`).
# If tide is not installed, not signed in or the network is slow, those
# suggestions are skipped after at most three seconds.

_tide_query()
{
    # Run a read-only tide command quietly and print its output.
    command -v tide >/dev/null 2>&1 || return 0
    if command -v timeout >/dev/null 2>&1; then
        timeout 3 tide "$@" 2>/dev/null
    else
        tide "$@" 2>/dev/null
    fi
}

_tide_takes_value()
{
    # True if option $1 expects a value, so the word after it is not a
    # command or a positional argument.
    case "$1" in
        --profile|--set|--snapshot|--at|--path|--target|--output|-o|\
        --token-file|--from-file|--retention|--schedule|--exclude|--include|\
        --since|--limit|--level|--note)
            return 0 ;;
    esac
    return 1
}

_tide_config_keys="encryption.key-file log.level network network.proxy
    network.upload-limit network.upload-threads output.format"

_tide()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        # Minimal fallback when the bash-completion package is not installed.
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD-1]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local global_opts="--help --version --json --profile --quiet --verbose --no-color"
    local commands="backup restore snapshot retention status logs auth config help"

    # Find the command, the subcommand, the number of positional arguments
    # typed after them, and the value of --set if one was given.
    local i cmd="" sub="" set_name="" nargs=0 skip_next=0
    for (( i = 1; i < cword; i++ )); do
        if (( skip_next )); then
            skip_next=0
            continue
        fi
        if _tide_takes_value "${words[i]}"; then
            [[ ${words[i]} == --set ]] && set_name="${words[i+1]}"
            skip_next=1
        elif [[ ${words[i]} != -* ]]; then
            if [[ -z $cmd ]]; then
                cmd="${words[i]}"
            elif [[ -z $sub && $cmd != restore && $cmd != status && $cmd != help ]]; then
                sub="${words[i]}"
            else
                (( nargs++ ))
            fi
        fi
    done

    local set_args=()
    [[ -n $set_name ]] && set_args=(--set "$set_name")

    # Values of options, wherever they appear.
    case "$prev" in
        --profile)
            local dir="${XDG_CONFIG_HOME:-$HOME/.config}/tide/profiles" profiles=""
            [[ -d $dir ]] && profiles=$(cd "$dir" && ls -1 2>/dev/null | sed 's/\.toml$//')
            COMPREPLY=( $(compgen -W "$profiles" -- "$cur") )
            return
            ;;
        --set)
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$(_tide_query backup list --names-only)" -- "$cur") )
            return
            ;;
        --snapshot)
            COMPREPLY=( $(compgen -W "latest $(_tide_query snapshot list --ids-only "${set_args[@]}")" -- "$cur") )
            return
            ;;
        --retention)
            COMPREPLY=( $(compgen -W "short standard extended compliance $(_tide_query retention list --names-only)" -- "$cur") )
            return
            ;;
        --schedule)
            COMPREPLY=( $(compgen -W "hourly daily weekly manual" -- "$cur") )
            return
            ;;
        --path|--target)
            COMPREPLY=( $(compgen -d -- "$cur") )
            compopt -o filenames 2>/dev/null
            return
            ;;
        --output|-o|--token-file|--from-file)
            COMPREPLY=( $(compgen -f -- "$cur") )
            compopt -o filenames 2>/dev/null
            return
            ;;
        --since)
            COMPREPLY=( $(compgen -W "1h 2h 24h 7d" -- "$cur") )
            return
            ;;
        --level)
            COMPREPLY=( $(compgen -W "error warn info debug" -- "$cur") )
            return
            ;;
        --at|--limit|--note|--exclude|--include)
            # Free text: a time, a number, a note or a pattern.
            return
            ;;
    esac

    # First word: a command or a global option.
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=( $(compgen -W "$global_opts" -- "$cur") )
        else
            COMPREPLY=( $(compgen -W "$commands" -- "$cur") )
        fi
        return
    fi

    local subs="" opts=""
    case "$cmd" in
        backup)
            subs="create update run list adopt"
            case "$sub" in
                create|update)
                    opts="--set --path --schedule --retention --exclude --include --from-file" ;;
                run)
                    opts="--set --all --rescan --dry-run --wait" ;;
                list)
                    opts="--names-only --json" ;;
                adopt)
                    opts="--set" ;;
            esac
            ;;
        restore)
            opts="--set --snapshot --at --path --target --overwrite --skip-existing --verify --dry-run"
            ;;
        snapshot)
            subs="list ls show pin delete"
            case "$sub" in
                list)   opts="--set --limit --show-expiry --ids-only --json" ;;
                ls)     opts="--set --long" ;;
                show)   opts="--set --json" ;;
                pin)    opts="--set --note --remove" ;;
                delete) opts="--set --yes --dry-run" ;;
            esac
            # The first positional argument is a snapshot ID; for ls, the
            # second one is a path inside the snapshot.
            if [[ -n $sub && $sub != list && $cur != -* ]]; then
                if (( nargs == 0 )); then
                    COMPREPLY=( $(compgen -W "$(_tide_query snapshot list --ids-only "${set_args[@]}")" -- "$cur") )
                    return
                elif [[ $sub == ls ]] && (( nargs == 1 )); then
                    COMPREPLY=( $(compgen -d -- "$cur") )
                    compopt -o filenames 2>/dev/null
                    return
                fi
            fi
            ;;
        retention)
            subs="list import"
            case "$sub" in
                list) opts="--names-only --json" ;;
                import)
                    opts="--replace"
                    if [[ $cur != -* ]] && (( nargs == 0 )); then
                        COMPREPLY=( $(compgen -f -X '!*.yml' -- "$cur")
                                    $(compgen -f -X '!*.yaml' -- "$cur")
                                    $(compgen -d -- "$cur") )
                        compopt -o filenames 2>/dev/null
                        return
                    fi
                    ;;
            esac
            ;;
        status)
            opts="--set --verbose --skipped --watch --json"
            ;;
        logs)
            subs="collect"
            [[ $sub == collect ]] && opts="--since --output --level --redact-paths --upload"
            ;;
        auth)
            subs="login logout"
            case "$sub" in
                login)  opts="--token-file --browser" ;;
                logout) opts="--all-profiles" ;;
            esac
            ;;
        config)
            subs="get set"
            if [[ ($sub == get || $sub == set) && $cur != -* ]]; then
                if (( nargs == 0 )); then
                    COMPREPLY=( $(compgen -W "$_tide_config_keys" -- "$cur") )
                elif [[ $sub == set ]] && (( nargs == 1 )); then
                    case "$prev" in
                        log.level)
                            COMPREPLY=( $(compgen -W "error warn info debug" -- "$cur") ) ;;
                        output.format)
                            COMPREPLY=( $(compgen -W "table json" -- "$cur") ) ;;
                        network.upload-limit)
                            COMPREPLY=( $(compgen -W "off 10M 50M 100M" -- "$cur") ) ;;
                        network.upload-threads)
                            COMPREPLY=( $(compgen -W "1 2 4 8 16" -- "$cur") ) ;;
                        encryption.key-file)
                            COMPREPLY=( $(compgen -f -- "$cur") )
                            compopt -o filenames 2>/dev/null
                            ;;
                    esac
                fi
                return
            fi
            ;;
        help)
            (( nargs == 0 )) && COMPREPLY=( $(compgen -W "$commands" -- "$cur") )
            return
            ;;
        *)
            return
            ;;
    esac

    # Commands with subcommands: complete the subcommand first.
    if [[ -n $subs && -z $sub ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=( $(compgen -W "--help" -- "$cur") )
        else
            COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
        fi
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=( $(compgen -W "$opts --help" -- "$cur") )
    fi
} &&
    complete -F _tide tide

# ex: filetype=sh
