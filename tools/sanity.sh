#!/usr/bin/env bash
# ansible-test sanity for this collection, offline.
# ansible-test needs the collection at .../ansible_collections/jwtpizza/cloud with its dependencies in the
# same root, and downloads get-pip from a host this project cannot reach: this script copies the checkout
# (tracked and non-ignored files) into such a tree, links amazon.aws and community.aws beside it, and puts
# tools/get_pip_offline.py where ansible-test looks for its cached get-pip.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
pip_version=$(grep -oP "pip='\K[0-9.]+" "$site/ansible_test/_internal/python_requirements.py" | head -n1)
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$root/tools/get_pip_offline.py" "$cache/get_pip_${pip_version//./_}.py"

# Outside the checkout: inside it, git would report the copy as ignored and ansible-test would skip it.
work="${SANITY_WORKDIR:-${TMPDIR:-/tmp}/jwtpizza-sanity-$(printf %s "$root" | md5sum | cut -c1-8)}"
dest="$work/ansible_collections/jwtpizza/cloud"
mkdir -p "$dest" "$work/ansible_collections/amazon" "$work/ansible_collections/community"
ln -sfn "$site/ansible_collections/amazon/aws" "$work/ansible_collections/amazon/aws"
ln -sfn "$site/ansible_collections/community/aws" "$work/ansible_collections/community/aws"
# Mirror the checkout (deleted files must go too, so rsync-like: rebuild the file list each time).
(cd "$root" && git ls-files -z --cached --others --exclude-standard) > "$work/files"
find "$dest" -mindepth 1 -not -path "$dest/tests/output*" -type f -delete 2>/dev/null || true
(cd "$root" && xargs -0 -a "$work/files" cp --parents -t "$dest" 2>/dev/null) || \
  (cd "$root" && while IFS= read -r -d '' f; do [ -e "$f" ] && cp --parents "$f" "$dest"; done < "$work/files")
cd "$dest"
unset PIP_CONFIG_FILE
exec "$venv/bin/ansible-test" sanity --python 3.11 --venv --requirements --color no "$@"
