/**
 * The shell side of completion: each script hands the words on the command line to
 * `itbot __complete line` and offers what comes back ("value<TAB>description" a line). Stdin is
 * closed and stderr dropped, so a Tab press never prompts and never prints over the prompt; where
 * `timeout` exists it also bounds the call from the outside.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const BASH = `# itbot completion for bash. Load it in this shell:  source <(itbot completion bash)
# or for every shell:  itbot completion bash > ~/.local/share/bash-completion/completions/itbot
_itbot_ask() {
  if command -v timeout >/dev/null 2>&1; then
    # A last resort past itbot's own budget (ITBOT_COMPLETE_TIMEOUT_MS), so a stuck lookup never holds the prompt.
    timeout $(( \${ITBOT_COMPLETE_TIMEOUT_MS:-1500} / 1000 + 4 )) itbot __complete line -- "$@" 2>/dev/null </dev/null
  else
    command itbot __complete line -- "$@" 2>/dev/null </dev/null
  fi
}

_itbot() {
  local line value
  COMPREPLY=()
  while IFS= read -r line; do
    [[ -n "$line" ]] || continue
    value="\${line%%$'\\t'*}"
    # Group and category names hold spaces and "&": quoted, they stay one word.
    if [[ "$value" == *[[:space:]\\&\\(\\)\\'\\"]* ]]; then value="$(printf '%q' "$value")"; fi
    COMPREPLY+=("$value")
  done < <(_itbot_ask "\${COMP_WORDS[@]:1:COMP_CWORD}")
  return 0
}

complete -o default -F _itbot itbot
`;

const ZSH = `#compdef itbot
# itbot completion for zsh. Load it in this shell:  source <(itbot completion zsh)
# or for every shell: itbot completion zsh > "\${fpath[1]}/_itbot" (then restart zsh)
_itbot() {
  local line
  local -a lines values display
  if (( $+commands[timeout] )); then
    lines=("\${(@f)$(timeout $(( \${ITBOT_COMPLETE_TIMEOUT_MS:-1500} / 1000 + 4 )) itbot __complete line -- "\${(@)words[2,CURRENT]}" 2>/dev/null </dev/null)}")
  else
    lines=("\${(@f)$(command itbot __complete line -- "\${(@)words[2,CURRENT]}" 2>/dev/null </dev/null)}")
  fi
  for line in "\${lines[@]}"; do
    [[ -n "$line" ]] || continue
    values+=("\${line%%$'\\t'*}")
    if [[ "$line" == *$'\\t'* ]]; then
      display+=("\${line%%$'\\t'*}  -- \${line#*$'\\t'}")
    else
      display+=("$line")
    fi
  done
  if (( \${#values} == 0 )); then
    _files
    return
  fi
  # itbot already matched what was typed ("12" finds IT-000012), so zsh shows all it sent.
  compadd -U -l -d display -- "\${values[@]}"
}

if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _itbot "$@"
else
  compdef _itbot itbot
fi
`;

const FISH = `# itbot completion for fish:  itbot completion fish > ~/.config/fish/completions/itbot.fish
function __itbot_complete
    set -l words (commandline -opc)
    set -e words[1]
    if command -q timeout
        set -l budget 1500
        set -q ITBOT_COMPLETE_TIMEOUT_MS; and set budget $ITBOT_COMPLETE_TIMEOUT_MS
        timeout (math --scale=0 $budget / 1000 + 4) itbot __complete line -- $words (commandline -ct) 2>/dev/null </dev/null
    else
        command itbot __complete line -- $words (commandline -ct) 2>/dev/null </dev/null
    end
end

complete -c itbot -f -a '(__itbot_complete)'
`;

export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
