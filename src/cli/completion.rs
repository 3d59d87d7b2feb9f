//! Completion of scenario keys and their values for `--set`, `--set-a`, `--set-b` and `--vary`: clap_complete's
//! static scripts complete those flags with file names, so each script gets a function that offers the key
//! table's names (ending in `=`) and, after `KEY=`, the key's allowed values, wired to those flags.

use dialsim::jobs::{KeyCompletions, key_completions};

/// The flags whose value is `KEY=VALUE` (or `KEY=V1,V2`).
const FLAGS: [&str; 4] = ["--set", "--set-a", "--set-b", "--vary"];

/// Bash: `_dialsim_keys` answers for the four flags and hands every other word to clap's `_dialsim`. Works
/// whether `=` breaks words (bash's default) or not.
pub fn bash(script: &str) -> String {
    let KeyCompletions { names, values } = key_completions();
    let cases: String = values.iter().map(|(k, v)| format!("        {k}) values=\"{}\" ;;\n", v.join(" "))).collect();
    let function = format!(
        r#"
# Scenario keys (ending in =) and, after KEY=, the key's values, for {flags} (dialsim's key table).
_dialsim_key_names="{names}"
_dialsim_keys() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" i=$COMP_CWORD flag key="" typed prefix=""
    if [[ "$cur" == "=" ]]; then
        key="${{COMP_WORDS[i-1]}}"; flag="${{COMP_WORDS[i-2]}}"; typed=""
    elif [[ $i -ge 2 && "${{COMP_WORDS[i-1]}}" == "=" ]]; then
        key="${{COMP_WORDS[i-2]}}"; flag="${{COMP_WORDS[i-3]}}"; typed="$cur"
    elif [[ "$cur" == *=* ]]; then
        key="${{cur%%=*}}"; flag="${{COMP_WORDS[i-1]}}"; typed="${{cur#*=}}"; prefix="$key="
    else
        flag="${{COMP_WORDS[i-1]}}"
    fi
    case "$flag" in
        {alternatives}) ;;
        *) _dialsim "$@"; return ;;
    esac
    # `dialsim keys --set` is a switch, not KEY=VALUE.
    if [[ " ${{COMP_WORDS[*]}} " == *" keys "* ]]; then _dialsim "$@"; return; fi
    if [[ -z "$key" ]]; then
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -S = -W "$_dialsim_key_names" -- "$cur"))
        return 0
    fi
    local values=""
    case "$key" in
{cases}    esac
    # --vary KEY=a,b,<TAB>: the value after the last comma.
    local before=""
    if [[ "$typed" == *,* ]]; then before="${{typed%,*}},"; typed="${{typed##*,}}"; fi
    COMPREPLY=($(compgen -P "$prefix$before" -W "$values" -- "$typed"))
}}
"#,
        flags = FLAGS.join(", "),
        names = names.join(" "),
        alternatives = FLAGS.join("|"),
    );
    let mut out = script.replace("complete -F _dialsim ", "complete -F _dialsim_keys ");
    // Defined before the `complete` lines that name it.
    let at = out.find("\nif [[ \"${BASH_VERSINFO[0]}\"").unwrap_or(out.len());
    out.insert_str(at, &function);
    out
}

/// Zsh: the flags' action becomes `_dialsim_keys`.
pub fn zsh(script: &str) -> String {
    let KeyCompletions { names, values } = key_completions();
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let cases: String = values
        .iter()
        .map(|(k, v)| {
            format!("            {k}) values=({}) ;;\n", v.iter().map(|x| quote(x)).collect::<Vec<_>>().join(" "))
        })
        .collect();
    let function = format!(
        r#"
# Scenario keys (ending in =) and, after KEY=, the key's values, for {flags} (dialsim's key table).
_dialsim_keys() {{
    local -a values
    if compset -P '*='; then
        local key=${{${{IPREFIX%=}}##*=}}
        compset -P '*,'
        case $key in
{cases}            *) return 1 ;;
        esac
        compadd -a values
    else
        values=({names})
        compadd -S '=' -a values
    fi
}}
"#,
        flags = FLAGS.join(", "),
        names = names.join(" "),
    );
    let mut out = script.to_string();
    for value_name in ["KEY=VALUE", "KEY=V1,V2,..."] {
        out = out.replace(&format!(":{value_name}:_default'"), &format!(":{value_name}:_dialsim_keys'"));
    }
    // After the `#compdef` line, before `_dialsim` first runs.
    let at = out.find('\n').map_or(0, |i| i + 1);
    out.insert_str(at, &function);
    out
}

/// Fish: the flags take `(__dialsim_keys)`'s candidates instead of files.
pub fn fish(script: &str) -> String {
    let KeyCompletions { names, values } = key_completions();
    let cases: String =
        values.iter().map(|(k, v)| format!("        case {k}\n            set values {}\n", v.join(" "))).collect();
    let function = format!(
        r#"
# Scenario keys (ending in =) and, after KEY=, the key's values, for {flags} (dialsim's key table).
function __dialsim_keys
    set -l token (commandline -ct)
    if not string match -q -- '*=*' $token
        for name in {names}
            echo "$name="
        end
        return
    end
    set -l parts (string split -m1 = -- $token)
    set -l key $parts[1]
    set -l before (string match -r -- '^.*,' $parts[2])
    set -l values
    switch $key
{cases}    end
    for v in $values
        echo "$key=$before$v"
    end
end
"#,
        flags = FLAGS.join(", "),
        names = names.join(" "),
    );
    let mut out = String::new();
    for line in script.lines() {
        out.push_str(line);
        if line.starts_with("complete -c dialsim")
            && FLAGS.iter().any(|f| line.contains(&format!(" -l {} ", &f[2..])))
            && !line.contains("__fish_dialsim_using_subcommand keys")
        {
            out.push_str(" -f -a \"(__dialsim_keys)\"");
        }
        out.push('\n');
    }
    out.push_str(&function);
    out
}
