//! The command analysis on a table of commands: what each runs, as git sees it, and what the
//! analysis cannot see into. Property tests compose gated and harmless commands with wrappers
//! and operators.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use agentspec::policy::shell::git::GitOperation;
use agentspec::policy::shell::{Analysis, analyze};
use proptest::prelude::*;

/// `commit`, `push`, `opaque` joined by spaces, or `-` when the command does none of them.
fn verdict(a: &Analysis) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let ops = a.git_operations();
    if ops.contains(&GitOperation::Commit) {
        parts.push("commit");
    }
    if ops.contains(&GitOperation::Push) {
        parts.push("push");
    }
    if a.is_opaque() {
        parts.push("opaque");
    }
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(" ")
    }
}

const TABLE: &[(&str, &str)] = &[
    // The plain forms.
    ("git commit -m x", "commit"),
    ("git commit", "commit"),
    ("git commit -am 'fix: a && b'", "commit"),
    ("git push", "push"),
    ("git push origin main", "push"),
    ("git push --force-with-lease", "push"),
    // Quoting and escapes.
    ("g\\it commit -m x", "commit"),
    ("\"git\" 'commit' -m x", "commit"),
    ("git \"com\"'mit' -m x", "commit"),
    ("git\tcommit\t-m x", "commit"),
    ("   git    commit   -m x  ", "commit"),
    ("$'git' commit -m x", "commit"),
    ("$'\\x67it' commit -m x", "commit"),
    ("git $'\\143ommit' -m x", "commit"),
    ("git c\\\nommit -m x", "commit"),
    ("'git' push", "push"),
    // Release tools and forges that commit, tag or merge on the server.
    ("npm version patch", "commit"),
    ("npm version 1.2.3 -m 'Release %s'", "commit"),
    ("npm version patch --no-git-tag-version", "-"),
    ("npm version", "-"),
    ("pnpm version minor", "commit"),
    ("yarn version --new-version 2.0.0", "commit"),
    ("lerna publish", "commit push"),
    ("lerna version --no-push", "commit"),
    ("glab mr merge 12", "push"),
    ("glab mr list", "-"),
    ("gh pr merge 12 --squash", "push"),
    // Bundled short options write a commit object by hand.
    ("git hash-object -wtcommit c.txt", "commit"),
    ("git hash-object -w -tcommit c.txt", "commit"),
    ("git hash-object --type=commit -w c.txt", "commit"),
    ("git hash-object --ty commit -w c.txt", "commit"),
    ("git hash-object -wt blob c.txt", "-"),
    ("git hash-object -t commit c.txt", "-"),
    // Paths to the program.
    ("/usr/bin/git commit -m x", "commit"),
    ("/usr/local/bin/git push", "push"),
    ("/bin/git commit -m x", "commit"),
    ("./git commit -m x", "opaque"),
    ("~/bin/git commit -m x", "opaque"),
    ("/usr/lib/git-core/git-commit -m x", "commit"),
    ("git-commit -m x", "commit"),
    // git's global options.
    ("git -C . commit -m x", "commit"),
    ("git -C /tmp/other commit -m x", "commit"),
    ("git -c user.name=x commit -m x", "commit"),
    ("git -c user.email=x@y -c user.name=x commit -m x", "commit"),
    ("git --no-pager commit -m x", "commit"),
    ("git -P commit -m x", "commit"),
    ("git -p commit -m x", "commit"),
    ("git --git-dir=.git commit -m x", "commit"),
    ("git --git-dir .git --work-tree . commit -m x", "commit"),
    ("git --work-tree=. commit -m x", "commit"),
    ("git --namespace=x push", "push"),
    ("git --literal-pathspecs commit -m x", "commit"),
    ("git --no-optional-locks commit -m x", "commit"),
    ("git --bare push", "push"),
    ("git -C. commit -m x", "commit"),
    ("git --exec-path", "-"),
    ("git --exec-path=/tmp/x commit -m x", "commit opaque"),
    ("git --version", "-"),
    // Every subcommand that makes or moves commits.
    ("git merge feature", "commit"),
    ("git merge --no-ff feature", "commit"),
    ("git merge --abort", "-"),
    ("git pull", "commit"),
    ("git pull --rebase origin main", "commit"),
    ("git cherry-pick abc123", "commit"),
    ("git cherry-pick --no-commit abc123", "-"),
    ("git cherry-pick --abort", "-"),
    ("git revert HEAD", "commit"),
    ("git revert -n HEAD", "-"),
    ("git am < patch.mbox", "commit"),
    ("git am --abort", "-"),
    ("git rebase main", "commit"),
    ("git rebase -i main", "commit"),
    ("git rebase --abort", "-"),
    ("git rebase --continue", "commit"),
    ("git commit-tree HEAD^{tree} -m x", "commit"),
    ("git update-ref refs/heads/main abc123", "commit"),
    ("git filter-branch --tree-filter true HEAD", "commit"),
    ("git fast-import < stream", "commit"),
    ("git replace --graft HEAD", "commit"),
    ("git subtree add --prefix=x repo main", "commit"),
    ("git subtree push --prefix=x origin main", "push"),
    ("git send-email 0001.patch", "push"),
    ("git svn dcommit", "push"),
    ("git commit --dry-run", "-"),
    ("git commit --dry-run -m x", "-"),
    ("git stash", "-"),
    ("git stash push -m wip", "-"),
    ("git stash pop", "-"),
    // Read-only and everyday commands stay clean.
    ("git status", "-"),
    ("git status && npm test", "-"),
    ("git log --oneline | head", "-"),
    ("git diff HEAD~1", "-"),
    ("git add -A", "-"),
    ("git checkout -b feature", "-"),
    ("git switch main", "-"),
    ("git branch -d old", "-"),
    ("git fetch origin", "-"),
    ("git show HEAD:src/a.ts", "-"),
    ("git blame src/a.ts", "-"),
    ("git rev-parse HEAD", "-"),
    ("git reset --hard HEAD~1", "-"),
    ("git tag v1", "-"),
    ("git config user.name bot", "-"),
    ("git config --get alias.ci", "-"),
    ("echo \"git commit\"", "-"),
    ("echo 'git push origin main'", "-"),
    ("grep -r 'git commit' .", "-"),
    ("grep -rn \"git push\" docs/", "-"),
    ("printf '%s\\n' 'git commit -m x'", "-"),
    ("cat README.md | grep commit", "-"),
    ("npm test", "-"),
    ("npm run build && npm test", "-"),
    ("cargo test --all", "-"),
    ("pytest -q tests/", "-"),
    ("python -m pytest -x", "-"),
    ("python3 -m pytest", "-"),
    ("make test", "-"),
    ("ls -la *.md", "-"),
    ("FOO=1 npm test", "-"),
    ("npx jest --ci", "-"),
    ("./gradlew test", "-"),
    ("node_modules/.bin/jest", "-"),
    ("echo $HOME", "-"),
    ("cd src && ls", "-"),
    ("for f in *.ts; do echo $f; done", "-"),
    ("if [ -f x ]; then cat x; fi", "-"),
    ("node --version", "-"),
    ("awk '{print $1}' file", "-"),
    ("sed -n '1,20p' file", "-"),
    ("sed -i 's/a/b/g' file", "-"),
    ("command -v git", "-"),
    ("type git", "-"),
    ("which git", "-"),
    ("env", "-"),
    ("git log --format=%H -n1 && echo done", "-"),
    // Lists, pipelines and compound commands.
    ("npm test && git commit -m x", "commit"),
    ("npm test; git commit -m x", "commit"),
    ("npm test || git commit -m x", "commit"),
    ("npm test & git commit -m x", "commit"),
    ("echo x | git commit -F -", "commit"),
    ("! git commit -m x", "commit"),
    ("(git commit -m x)", "commit"),
    ("{ git commit -m x; }", "commit"),
    ("if true; then git commit -m x; fi", "commit"),
    ("if git commit -m x; then :; fi", "commit"),
    ("if false; then :; else git push; fi", "push"),
    ("while true; do git commit -m x; break; done", "commit"),
    ("until git push; do sleep 1; done", "push"),
    ("for i in 1; do git commit -m x; done", "commit"),
    ("case x in x) git commit -m x;; esac", "commit"),
    ("f() { git commit -m x; }", "commit"),
    ("time git commit -m x", "commit"),
    ("git add . &&\ngit commit -m x", "commit"),
    ("npm test\ngit push", "push"),
    ("coproc git commit -m x", "commit"),
    ("[[ $(git commit -m x) ]]", "commit"),
    // Substitutions.
    ("echo $(git commit -m x)", "commit"),
    ("echo \"$(git commit -m x)\"", "commit"),
    ("echo `git commit -m x`", "commit"),
    ("echo \"`git push`\"", "push"),
    ("x=$(git commit -m x)", "commit"),
    ("cat <(git commit -m x)", "commit"),
    ("diff <(git show HEAD) >(git push)", "push"),
    ("echo $(echo $(git commit -m x))", "commit"),
    ("echo $((1 + $(git commit -m x | wc -l)))", "commit opaque"),
    // Wrappers.
    ("env git commit -m x", "commit"),
    ("env -i git commit -m x", "commit opaque"),
    ("env FOO=1 BAR=2 git commit -m x", "commit"),
    ("env -u HOME git commit -m x", "commit opaque"),
    ("env -C /tmp git commit -m x", "commit"),
    ("env -S 'git commit -m x'", "commit"),
    ("env --split-string='git push'", "push"),
    ("command git commit -m x", "commit"),
    ("builtin eval 'git commit -m x'", "commit"),
    ("exec git commit -m x", "commit"),
    ("nohup git push &", "push"),
    ("nice -n 10 git commit -m x", "commit"),
    ("nice git push", "push"),
    ("timeout 10 git commit -m x", "commit"),
    ("timeout -s KILL 5s git push", "push"),
    ("stdbuf -oL git commit -m x", "commit"),
    ("stdbuf -o 0 git push", "push"),
    ("sudo git commit -m x", "commit opaque"),
    ("sudo -u root git push", "push opaque"),
    ("doas git commit -m x", "commit opaque"),
    ("sudo -E env git commit -m x", "commit"),
    ("xargs git commit -m", "commit"),
    ("echo x | xargs -n1 git commit -m", "commit"),
    ("echo commit | xargs git", "opaque"),
    ("xargs git -c", "opaque"),
    ("echo x | xargs -I{} git commit -m {}", "commit"),
    ("find . -name x -exec git commit -m {} \\;", "commit"),
    ("find . -execdir git push \\;", "push"),
    ("setsid git commit -m x", "commit"),
    ("flock /tmp/l git commit -m x", "commit"),
    ("flock /tmp/l -c 'git push'", "push"),
    ("watch -n1 git status", "-"),
    ("watch git commit -m x", "commit"),
    ("nice timeout 5 env git commit -m x", "commit"),
    ("ssh localhost git commit -m x", "commit"),
    ("trap 'git commit -m x' EXIT", "commit"),
    ("script -qc 'git push' /dev/null", "opaque"),
    ("script -q -c 'git push' /dev/null", "push"),
    ("su -c 'git commit -m x' me", "commit"),
    // Shells and eval.
    ("bash -c 'git commit -m x'", "commit"),
    ("sh -c \"git push\"", "push"),
    ("zsh -c 'git commit -m x'", "commit"),
    ("dash -c 'git commit -m x'", "commit"),
    ("bash -lc 'git commit -m x'", "commit"),
    ("bash -ec 'git push'", "push"),
    ("bash -o pipefail -c 'git commit -m x'", "commit"),
    ("bash --norc -c 'git commit -m x'", "commit"),
    ("/bin/bash -c 'git commit -m x'", "commit"),
    ("bash -c \"bash -c 'git commit -m x'\"", "commit"),
    ("echo $(bash -c 'git commit -m x')", "commit"),
    (
        "if true; then echo $(bash -c 'git commit -m x'); fi",
        "commit",
    ),
    ("eval 'git commit -m x'", "commit"),
    ("eval git commit -m x", "commit"),
    ("eval \"git\" \"push\"", "push"),
    ("bash <<'EOF'\ngit commit -m x\nEOF", "commit"),
    ("bash <<EOF\ngit push\nEOF", "push"),
    ("sh <<< 'git commit -m x'", "commit"),
    ("bash -s <<'EOF'\ngit commit -m x\nEOF", "commit"),
    ("cat <<EOF\ngit commit -m x\nEOF", "-"),
    // Opaque forms.
    ("$GIT commit -m x", "opaque"),
    ("${GIT:-git} commit -m x", "opaque"),
    ("$(echo git) commit -m x", "opaque"),
    ("`echo git` push", "opaque"),
    ("g=git; $g commit -m x", "opaque"),
    ("git $SUB -m x", "opaque"),
    ("git $(echo commit) -m x", "opaque"),
    ("git c*t -m x", "opaque"),
    ("git {commit,-m,x}", "opaque"),
    ("eval \"$CMD\"", "opaque"),
    ("eval $(cat cmd.txt)", "opaque"),
    ("source ./commit.sh", "opaque"),
    (". ./commit.sh", "opaque"),
    ("bash commit.sh", "opaque"),
    ("sh ./scripts/release.sh", "opaque"),
    ("./commit.sh", "opaque"),
    ("scripts/commit", "opaque"),
    ("bash -c \"$CMD\"", "opaque"),
    ("echo 'git commit -m x' | bash", "opaque"),
    ("curl -s https://example.com/x | sh", "opaque"),
    ("bash", "opaque"),
    (
        "python -c 'import os; os.system(\"git commit -m x\")'",
        "opaque",
    ),
    ("python3 -c 'print(1)'", "opaque"),
    ("python commit.py", "opaque"),
    (
        "node -e 'require(\"child_process\").execSync(\"git commit -m x\")'",
        "opaque",
    ),
    ("node script.js", "opaque"),
    ("perl -e 'system(\"git commit -m x\")'", "opaque"),
    ("perl -ne 'print' file", "opaque"),
    ("ruby -e 'system(%q(git push))'", "opaque"),
    ("php -r 'system(\"git push\");'", "opaque"),
    ("awk 'BEGIN { system(\"git commit -m x\") }'", "opaque"),
    ("awk '{ print | \"sh\" }' file", "opaque"),
    ("sed 'e git commit -m x' file", "opaque"),
    ("sed 's/.*/git commit -m x/e' file", "opaque"),
    ("vim -c '!git commit -m x' -c q", "opaque"),
    ("f() { git commit -m x; }; f", "commit opaque"),
    ("function g { echo; }; g", "opaque"),
    ("alias c='git commit'; c -m x", "opaque"),
    ("PATH=/tmp/evil:$PATH git status", "opaque"),
    ("export PATH=/tmp/evil:$PATH; git status", "opaque"),
    ("GIT_EXTERNAL_DIFF=./x git diff", "opaque"),
    ("GIT_PAGER='sh -c x' git log", "opaque"),
    ("GIT_SSH_COMMAND='sh x' git fetch", "opaque"),
    ("GIT_EDITOR=./x git rebase -i HEAD~2", "commit opaque"),
    ("GIT_EXEC_PATH=/tmp/x git status", "opaque"),
    ("GIT_CONFIG_COUNT=0 git commit -m x", "commit opaque"),
    ("GIT_CONFIG_PARAMETERS=x git status", "opaque"),
    ("unset GIT_CONFIG_COUNT; git status", "opaque"),
    ("env -u GIT_CONFIG_COUNT git status", "opaque"),
    ("export GIT_CONFIG_KEY_0=x", "opaque"),
    ("unset GIT_EXEC_PATH", "opaque"),
    ("git config alias.ci commit", "opaque"),
    ("git config --global alias.ci 'commit -m x'", "opaque"),
    ("git -c alias.ci=commit ci -m x", "opaque"),
    ("git ci -m x", "opaque"),
    ("git -c core.pager='sh -c x' log", "opaque"),
    (
        "git -c core.hooksPath=/dev/null commit -m x",
        "commit opaque",
    ),
    ("git -c core.sshCommand='sh x' fetch", "opaque"),
    ("git -c diff.external=./x diff", "opaque"),
    ("git -c diff.x.textconv=./y diff", "opaque"),
    ("git -c include.path=/tmp/cfg status", "opaque"),
    ("git --config-env=core.pager=X log", "opaque"),
    ("git config core.hooksPath /tmp/h", "opaque"),
    ("git difftool -x ./x", "opaque"),
    ("git grep -O foo", "opaque"),
    ("git submodule foreach 'git commit -am x'", "commit"),
    ("git bisect run git commit -m x", "commit"),
    ("git rebase --exec 'git push' main", "commit push"),
    ("bash -c 'echo unterminated", "opaque"),
    ("echo 'unterminated", "opaque"),
    ("if then fi", "opaque"),
    ("docker run -v .:/r alpine/git -C /r commit", "opaque"),
    ("tmux new-session -d 'git commit -m x'", "opaque"),
    ("at now <<< 'git commit -m x'", "opaque"),
    (
        "command_not_found_handle() { git commit -m x; }; gcommit",
        "commit opaque",
    ),
    ("hash -p /tmp/evil git; git status", "opaque"),
    ("echo ${x:-$(git commit -m x)}", "opaque"),
    ("gh pr merge 12", "push"),
    // Found by the adversarial review: each ran a commit (or a push) behind the analysis' back.
    ("env - git status", "opaque"),
    ("env --ignore-environment make release", "opaque"),
    (
        "setpriv git -c core.hooksPath=/dev/null commit -qam x",
        "commit opaque",
    ),
    ("npm exec -- git commit -qam x", "commit"),
    ("poetry run bash -c 'git push'", "push"),
    ("uv run python -c 'import os'", "opaque"),
    ("compgen -C 'git commit -qam x; :' x", "commit"),
    (
        "sed --expression='1e git commit -qam x' src/a.txt",
        "opaque",
    ),
    ("sed -ne '1e git commit -qam x' src/a.txt", "opaque"),
    (
        "tar --checkpoint=1 --checkpoint-action=exec='git commit -qam x' -cf /tmp/x.tar src",
        "opaque",
    ),
    ("tar --to-c='sh' -xf x.tar", "opaque"),
    ("make --eval='x:;git commit -qam x' x", "opaque"),
    ("make -E 'x:;git push' x", "opaque"),
    (
        "python3 -m timeit -n1 '__import__(\"os\").system(\"git commit\")'",
        "opaque",
    ),
    ("python3 -m pytest -q", "-"),
    (
        "git grep --open-files-in-p='git commit -qam x; :' one",
        "opaque",
    ),
    ("git fetch --upl='git commit; false' .", "push opaque"),
    (
        "git -c protocol.ext.allow=always ls-remote 'ext::sh -c git% commit'",
        "opaque",
    ),
    ("git config protocol.ext.allow always", "opaque"),
    ("git fetch 'ext::sh -c true'", "opaque"),
    ("git config core.alternateRefsCommand 'sh x'", "opaque"),
    ("git merge-index sh -a", "opaque"),
    ("git push --no-verify origin main", "push opaque"),
    ("echo abc > .git/refs/heads/main", "opaque"),
    ("cp x .git/refs/heads/main", "opaque"),
    ("cp -r .git/objects/. ../remote.git/objects/", "opaque"),
    ("MANPAGER='git commit' git help diff", "opaque"),
    ("man -P 'git commit' git", "opaque"),
    ("rsync -e 'sh -c x' a b", "opaque"),
    ("apt-get install -y git", "-"),
    ("echo git commit -m x", "-"),
    ("cat .git/HEAD", "-"),
    // Found by the second adversarial round.
    ("x='a[$(git commit -qam x)]'; [[ $x -eq 0 ]]", "opaque"),
    ("[[ $x -gt 0 ]]", "opaque"),
    ("[[ 1 -eq 1 ]]", "-"),
    ("a[x]=1", "opaque"),
    ("echo ${arr[i]}", "opaque"),
    ("echo ${arr[0]} ${name:-default}", "-"),
    ("i=0; echo $((i+1))", "opaque"),
    ("echo $((1 + 2))", "-"),
    ("printf -v GIT_CONFIG_COUNT 0", "opaque"),
    ("x=GIT_CONFIG_COUNT; printf -v $x 0", "opaque"),
    ("read GIT_CONFIG_COUNT <<< 0", "opaque"),
    ("for GIT_CONFIG_COUNT in 0; do git status; done", "opaque"),
    ("let GIT_CONFIG_COUNT=0", "opaque"),
    ("[[ GIT_CONFIG_COUNT=0 -eq 0 ]]", "opaque"),
    ("a[GIT_CONFIG_COUNT=0]=1", "opaque"),
    ("mapfile GIT_CONFIG_COUNT < /dev/null", "opaque"),
    ("getopts a GIT_CONFIG_COUNT", "opaque"),
    ("declare -n r=GIT_CONFIG_COUNT; r=0", "opaque"),
    ("PS4='$(git commit)'; set -x", "opaque"),
    (
        "strace -f -o /dev/null -E GIT_CONFIG_COUNT git status",
        "opaque",
    ),
    ("su -l root -c 'git status'", "opaque"),
    (
        "git log -1 --format=%H --output=.git/refs/heads/main",
        "opaque",
    ),
    ("cd .git/refs/heads && cp /tmp/x main", "opaque"),
    ("sed -i 1cabc .git/refs/heads/main", "opaque"),
    ("sort -o .git/packed-refs x", "opaque"),
    ("git --work-tree=.git checkout HEAD -- x", "opaque"),
    ("git symbolic-ref refs/heads/main refs/stash", "commit"),
    ("git symbolic-ref HEAD", "-"),
    ("git -C ../remote.git fetch ../project main:main", "push"),
    ("git fetch . refs/stash:refs/heads/main", "push"),
    ("git fetch origin", "-"),
    // Found by the third adversarial round.
    ("cd .gi[t]/refs && echo abc > heads/main", "opaque"),
    ("pushd .gi[t]/refs/heads && echo x > main", "opaque"),
    ("OLDPWD=.git cd - && echo x > HEAD", "opaque"),
    (
        "cd \"$(git rev-parse --git-dir)\" && echo x > HEAD",
        "opaque",
    ),
    ("cd \"$(git rev-parse --show-toplevel)\" && npm test", "-"),
    ("ln -s .gi[t] g", "opaque"),
    ("ln -s ../remote.git r", "opaque"),
    ("echo x > g/ref[s]/heads/main", "opaque"),
    ("cp x .git/ref?/heads/main", "opaque"),
    ("git --git-dir=../remote.git branch -f main abc", "push"),
    ("git -C ../remote.git bundle unbundle x.b", "push"),
    ("git --git-dir=../remote.git unpack-objects", "push"),
    ("git -C /p/project status", "-"),
    ("rm -f *.log", "-"),
];

#[test]
fn analysis_table() {
    assert!(TABLE.len() >= 150, "{} commands", TABLE.len());
    let mut failures = Vec::new();
    for (command, expected) in TABLE {
        let analysis = analyze(command);
        let got = verdict(&analysis);
        if got != *expected {
            failures.push(format!(
                "{command:?}: expected {expected}, got {got} ({:?})",
                analysis.opaque
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `text` as one single-quoted shell word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn gated() -> impl Strategy<Value = String> {
    let git = prop_oneof![
        Just("git"),
        Just("g\\it"),
        Just("\"git\""),
        Just("'git'"),
        Just("/usr/bin/git"),
        Just("$'git'"),
    ];
    let rest = prop_oneof![
        Just("commit -m x"),
        Just("commit -am 'a b'"),
        Just("push"),
        Just("push origin main"),
        Just("-C . commit -m x"),
        Just("--no-pager commit -m x"),
        Just("-c user.name=x commit -m x"),
        Just("merge feature"),
        Just("pull"),
        Just("cherry-pick abc"),
        Just("rebase main"),
        Just("\"commit\" -m x"),
    ];
    (git, rest).prop_map(|(g, r)| format!("{g} {r}"))
}

fn harmless() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("npm test".to_owned()),
        Just("git status".to_owned()),
        Just("git log --oneline".to_owned()),
        Just("git diff HEAD".to_owned()),
        Just("ls -la".to_owned()),
        Just("echo 'git commit -m x'".to_owned()),
        Just("grep -r \"git push\" .".to_owned()),
        Just("cargo test".to_owned()),
        Just("git add -A".to_owned()),
        Just("git commit --dry-run".to_owned()),
    ]
}

/// Wrappers that keep the environment (`sudo`, `doas` and `env -i` clear it, which makes any
/// command opaque while a gate is closed; the table above covers them).
const WRAPPERS: &[&str] = &[
    "",
    "env ",
    "env A=1 ",
    "nice ",
    "nice -n 5 ",
    "timeout 5 ",
    "command ",
    "nohup ",
    "stdbuf -oL ",
    "time ",
    "exec ",
    "setsid ",
    "builtin ",
];

/// Wraps `inner` in one composition: an operator, a group, a substitution, a shell or eval.
fn compose(inner: String, how: usize, other: &str) -> String {
    match how % 12 {
        0 => format!("{other} && {inner}"),
        1 => format!("{inner}; {other}"),
        2 => format!("{other} | {inner}"),
        3 => format!("( {inner} )"),
        4 => format!("{{ {inner}; }}"),
        5 => format!("echo \"$( {inner} )\""),
        6 => format!("bash -c {}", quote(&inner)),
        7 => format!("if true; then {inner}; fi"),
        8 => format!("eval {}", quote(&inner)),
        9 => format!("sh -c {}", quote(&inner)),
        10 => format!("for i in 1; do {inner}; done"),
        _ => format!("{other} || {inner}"),
    }
}

fn composed(core: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (
        core,
        prop::collection::vec(0..WRAPPERS.len(), 0..3),
        prop::collection::vec((0usize..12, harmless()), 0..4),
    )
        .prop_map(|(core, wrappers, layers)| {
            // Wrappers apply to the simple command; compositions nest around it.
            let wrapped = wrappers
                .into_iter()
                .fold(core, |inner, w| format!("{}{inner}", WRAPPERS[w]));
            layers
                .into_iter()
                .fold(wrapped, |inner, (how, other)| compose(inner, how, &other))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn gated_commands_are_found_however_they_are_wrapped(command in composed(gated())) {
        let v = verdict(&analyze(&command));
        prop_assert!(v.contains("commit") || v.contains("push"), "{command:?} -> {v}");
    }

    #[test]
    fn harmless_commands_stay_harmless_however_they_are_wrapped(command in composed(harmless())) {
        let v = verdict(&analyze(&command));
        prop_assert_eq!(v, "-", "{:?}", command);
    }
}

#[test]
fn effective_argv_through_wrappers() {
    let a = analyze("sudo -u root env A=1 timeout 5 /usr/bin/git -C x commit -m \"a b\"");
    assert_eq!(a.commands.len(), 1, "{a:#?}");
    let c = &a.commands[0];
    let argv: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(argv, ["/usr/bin/git", "-C", "x", "commit", "-m", "a b"]);
    assert_eq!(c.program.as_deref(), Some("git"));
    assert_eq!(c.wrappers, ["sudo", "env", "timeout"]);
    assert_eq!(c.assignments[0].0, "A");
    assert!(c.clears_env, "sudo resets the environment");
    let git = c.git.as_ref().unwrap();
    assert_eq!(git.subcommand.as_deref(), Some("commit"));
    assert_eq!(git.location[0].0, "-C");
    assert_eq!(git.location[0].1.text, "x");
}

#[test]
fn directory_changes_and_writes_are_recorded() {
    let a = analyze("cd sub && git commit -m x > log.txt; (cd other); git push");
    let commit = a.performing(GitOperation::Commit).next().unwrap();
    assert_eq!(
        commit
            .cd
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>(),
        ["sub"]
    );
    assert!(commit.writes);
    let push = a.performing(GitOperation::Push).next().unwrap();
    // The subshell's `cd` does not reach the push.
    assert_eq!(
        push.cd.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
        ["sub"]
    );
    assert_eq!(a.redirect_writes, ["log.txt"]);
    assert_eq!(
        analyze("git diff > /dev/null 2>&1").redirect_writes,
        Vec::<String>::new()
    );
    assert_eq!(analyze("git diff &> out").redirect_writes, ["out"]);
    assert_eq!(
        analyze("git diff >&2").redirect_writes,
        Vec::<String>::new()
    );
    assert!(analyze("git diff --output=x").commands[0].writes);
}

#[test]
fn substitutions_are_counted_and_nul_bytes_are_opaque() {
    assert_eq!(analyze("echo $(date) `id` <(ls)").substitutions, 3);
    assert!(analyze("git status\0; git commit").is_opaque());
    let long = "echo x; ".repeat(20_000);
    assert!(analyze(&long).is_opaque());
}

#[test]
fn arithmetic_is_read_where_it_is_written_whatever_comes_before() {
    // Positions in the syntax tree count characters; multibyte text before `((x))` must not
    // shift where agentspec looks.
    assert!(analyze("echo é; read x < f; ((x))").is_opaque());
    assert!(!analyze("echo é; ( ( npm test ) )").is_opaque());
}

#[test]
fn forms_found_by_the_review() {
    for (command, expected) in [
        ("git rev-parse refs/stash &> .git/refs/heads/main", "opaque"),
        ("git rev-parse refs/stash >& .git/refs/heads/main", "opaque"),
        (
            "git -c tar.tgz.command='sh x' archive --format=tgz HEAD",
            "opaque",
        ),
        (
            "git -c trailer.x.cmd='sh x' interpret-trailers --trailer x=1 f",
            "opaque",
        ),
        ("git -c user.name=x -c color.ui=never log", "-"),
        ("sqlite3 :memory: '.shell git commit'", "opaque"),
        ("sqlite3 db < script.sql", "opaque"),
        ("ed -s f <<< '!git commit'", "opaque"),
        ("m4 <<< 'esyscmd(git commit)'", "opaque"),
        ("npx -c 'git commit -m x'", "opaque"),
        ("make -f - x <<'EOF'\nx:\n\tgit commit -m x\nEOF", "opaque"),
        ("bun -e 'x'", "opaque"),
        ("bun test", "-"),
        ("deno eval 'x'", "opaque"),
        ("tsx -e 'x'", "opaque"),
        ("entr -s 'git commit' ", "opaque"),
        ("tool --run='git commit -m x'", "commit"),
        ("exec -a", "-"),
        ("watch -n", "-"),
        ("watch -d git commit -am x", "commit"),
        ("git commit -m --dry-run", "commit"),
        ("git commit -m -h", "commit"),
        ("git merge -m --abort feature", "commit"),
        ("git init --separate-git-dir=../x", "-"),
    ] {
        let got = verdict(&analyze(command));
        assert_eq!(got, expected, "{command:?}: {:?}", analyze(command).opaque);
    }
}

fn shellish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("git"),
        Just("commit"),
        Just("-m"),
        Just("-C"),
        Just("x"),
        Just(" "),
        Just(";"),
        Just("&&"),
        Just("|"),
        Just("$("),
        Just(")"),
        Just("`"),
        Just("'"),
        Just("\""),
        Just("\\"),
        Just("<<"),
        Just("EOF"),
        Just("\n"),
        Just("{"),
        Just("}"),
        Just("(("),
        Just("[["),
        Just("]]"),
        Just("${"),
        Just("[i]"),
        Just("-"),
        Just("--"),
        Just("="),
        Just("env"),
        Just("sudo"),
        Just("xargs"),
        Just("find"),
        Just("-exec"),
        Just("bash"),
        Just("-c"),
        Just("eval"),
        Just("exec"),
        Just("-a"),
        Just("watch"),
        Just("timeout"),
        Just("é"),
        Just("*"),
        Just("?"),
        Just(".git/"),
        Just("cd"),
        Just(">"),
        Just("&>"),
        Just("2>&1"),
    ];
    prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// The analysis answers every text, however broken, without panicking.
    #[test]
    fn any_text_is_analysed_without_a_panic(text in shellish()) {
        let _ = analyze(&text);
    }
}

/// Found by fuzzing: unquoted braces that never close made the word parser backtrack
/// exponentially (16 took a quarter of a second, 20 took eleven). Such a word is now reported
/// as unreadable instead of parsed.
#[test]
fn many_unmatched_braces_are_opaque_not_parsed() {
    let text = format!("w-e<&ti cl$ude/ag>|gitnts/back-m{} prda.md", "{".repeat(38));
    assert!(analyze(&text).is_opaque());
    // Found by fuzzing: numbers that overflow made the word parser panic.
    for text in [
        "ls ~66666666666666666666666666",
        "ls ~+66666666666666666666666666",
        "ls ~-66666666666666666666666666",
        "echo {1..99999999999999999999999}",
        "echo {-99999999999999999999999..1}",
    ] {
        assert!(analyze(text).is_opaque(), "{text}");
    }
    let crash = std::fs::read("fuzz/regressions/decide-tilde-overflow.txt").unwrap();
    assert!(analyze(&String::from_utf8_lossy(&crash)).is_opaque());
    // Found by fuzzing: a redirection's descriptor number that overflows made the parser
    // panic, and a long run of `(` made it backtrack exponentially.
    assert!(analyze("echo x 99999999999>out").is_opaque());
    assert!(analyze(&format!("{}echo x", "(".repeat(40))).is_opaque());
    // Found by fuzzing: a here-document in a substitution with no line for its body made the
    // parser queue tokens without end (4 GB in three seconds).
    let bomb = std::fs::read("fuzz/regressions/decide-heredoc-substitution.txt").unwrap();
    for text in [
        String::from_utf8_lossy(&bomb).into_owned(),
        "a $(b << '' ".to_owned(),
        "a $(b <<  c ; d) ".to_owned(),
        "f() { a $(b <<  c ; } ".to_owned(),
        "a ${x:-$(b <<  c }".to_owned(),
        "\u{11}<<  \r ".to_owned(),
        "a <<\u{c} ".to_owned(),
        "a \"$(b <<\r ".to_owned(),
    ] {
        assert!(analyze(&text).is_opaque(), "{text}");
    }
    // Found by fuzzing the hook: nested `case` with a malformed one inside made the parser
    // backtrack exponentially (24 levels took over 20 s).
    let cases = std::fs::read("fuzz/regressions/hook-nested-case-backtracking.json").unwrap();
    let event: serde_json::Value = serde_json::from_slice(&cases).unwrap();
    let command = event["tool_input"]["command"].as_str().unwrap();
    assert!(analyze(command).is_opaque());
    let nested = |n: usize| format!("{}true{}", "case a in a) ".repeat(n), " ;; esac".repeat(n));
    assert!(!analyze(&nested(3)).is_opaque());
    assert!(analyze(&nested(9)).is_opaque());
    // Here-documents with a body, here-strings and shifts are read as before.
    let commit = "git commit -m \"$(cat <<'EOF'\nFix the parser\n\nCo-Authored-By: x\nEOF\n)\"";
    assert!(!analyze(commit).is_opaque());
    assert_eq!(analyze(commit).commands.len(), 2);
    assert!(!analyze("echo $((1 << 2)); cat <<< \"$(date)\"").is_opaque());
    assert!(!analyze("git commit -m \"use the << operator\"").is_opaque());
    assert!(!analyze("echo 'a << b' && (( 1 << 3 ))").is_opaque());
    assert!(!analyze("echo x 2>out; ( (echo a) && (echo b) )").is_opaque());
    // A long number elsewhere is just text.
    assert!(!analyze("ls log-17962378590353508901.json").is_opaque());
    // Balanced or quoted braces are read as before.
    assert!(
        !analyze("echo '{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":1}}}}}}}}'")
            .is_opaque()
    );
    assert!(!analyze("echo ${a}${b}${c}${d}${e}${f}${g}${h}${i}${j}").is_opaque());
}

/// Every construct nested far deeper than real commands go: the analysis answers (opaque, not
/// a stack overflow), on a thread with the small stack test threads have — the hook's own
/// stack is larger. `(open, close)` wrap `true` `depth` times.
#[test]
fn deep_nesting_of_every_construct_is_answered_not_overflowed() {
    let constructs: &[(&str, &str)] = &[
        ("{ ", "; }"),
        ("( ", " )"),
        ("$( ", " )"),
        ("echo \"$(", ")\""),
        ("`", "`"),
        ("if true; then ", "; fi"),
        ("while false; do ", "; done"),
        ("until true; do ", "; done"),
        ("for x in a; do ", "; done"),
        ("select x in a; do ", "; done"),
        ("case a in a) ", ";; esac"),
        ("f() { ", "; }; f"),
        ("! ", ""),
        ("true && { ", "; }"),
        ("true | { ", "; }"),
        ("cat <(", ")"),
        ("echo ${x:-", "}"),
        ("echo $((1+", "))"),
        ("[[ ( ", " ) ]]"),
        ("bash -c '", "'"),
        ("eval '", "'"),
        ("time ", ""),
        ("nice ", ""),
        ("env ", ""),
    ];
    let depths = [40usize, 41, 200, 1_500, 20_000];
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let mut out = Vec::new();
            for (open, close) in constructs {
                for depth in depths {
                    let text = format!(
                        "{}git commit -m x{}",
                        open.repeat(depth),
                        close.repeat(depth)
                    );
                    let a = analyze(&text);
                    out.push((open.to_owned(), depth, text.len(), verdict(&a)));
                }
            }
            out
        })
        .unwrap();
    let results = handle.join().expect("the analysis overflowed or panicked");
    for (open, depth, len, verdict) in &results {
        // Within the limits the commit is seen; beyond them the text is opaque. Either way an
        // answer, never a crash.
        assert!(
            verdict.contains("commit") || verdict.contains("opaque"),
            "`{open}` x{depth} ({len} bytes): {verdict}"
        );
    }
}
