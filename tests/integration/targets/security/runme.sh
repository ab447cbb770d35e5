#!/usr/bin/env bash
set -eux
# ansible-core 2.21 and later put module_args into results only with this setting; the secret search needs them.
export ANSIBLE_INJECT_INVOCATION=1
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT

# Distinctive secrets, so that a grep finds them wherever they leak.
PASSWORD="Pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
API_TOKEN="Tk-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
start_emulator SOURCE_URL --processing-seconds 0.2 --password "$PASSWORD" --api-token "$API_TOKEN"
start_emulator TARGET_URL --processing-seconds 0.2 --password "$PASSWORD" --api-token "$API_TOKEN"
# failures.yml sends a project the server does not know, on purpose: not a request for the conformance check.
start_emulator_unlogged FAILURES_URL --processing-seconds 0.2 --password "$PASSWORD" --api-token "$API_TOKEN"
PLAYBOOKS="$COLLECTION_ROOT/playbooks"

# 1. Secrets never appear in the output of the documented playbooks at -vvvv, nor in failures.
# Secrets go in a vars file (as a vault file would), the way the README shows: ansible-playbook itself
# prints -e key=value arguments at -vvvv.
set +x  # the shell's own trace would print the secrets
printf 'source_password: "%s"\ntarget_password: "%s"\npassword: "%s"\n' "$PASSWORD" "$PASSWORD" "$PASSWORD" \
    >"$WORK_DIR/secrets.yml"
{
    run_playbook -vvvv "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/project_package.yml" \
        -e "source_base_url=$SOURCE_URL target_base_url=$TARGET_URL package_dir=$WORK_DIR/packages" \
        -e "source_username=administrator target_username=administrator" -e "@$WORK_DIR/secrets.yml"
    MSTR_BASE_URL="$SOURCE_URL" MSTR_LOGIN_MODE=api_token MSTR_API_TOKEN="$API_TOKEN" \
        run_playbook -vvvv "$PLAYBOOKS/export_package.yml" -e "@$PLAYBOOKS/vars/configuration_package.yml" \
        -e "package_dir=$WORK_DIR/packages"
    run_playbook -vvvv failures.yml -e "emulator_url=$FAILURES_URL" -e "@$WORK_DIR/secrets.yml" || true
} >"$WORK_DIR/output.log" 2>&1
set -x
run_playbook secrets.yml -e "log=$WORK_DIR/output.log password=$PASSWORD api_token=$API_TOKEN" \
    -e "source_url=$SOURCE_URL target_url=$TARGET_URL failures_url=$FAILURES_URL"

# 2. TLS: a private CA, the right and a wrong host name.
python "$COLLECTION_ROOT/tests/integration/tls.py" "$WORK_DIR"
start_emulator TLS_URL --password "$PASSWORD" --tls-cert "$WORK_DIR/good.pem" --tls-key "$WORK_DIR/good.key"
start_emulator WRONG_HOST_URL --password "$PASSWORD" --tls-cert "$WORK_DIR/wrong-host.pem" --tls-key "$WORK_DIR/wrong-host.key"

# 3. A forwarding proxy.
start_proxy PROXY_URL

run_playbook main.yml -e "tls_url=$TLS_URL wrong_host_url=$WRONG_HOST_URL ca_path=$WORK_DIR/ca.pem" \
    -e "emulator_url=$SOURCE_URL proxy_url=$PROXY_URL" -e "@$WORK_DIR/secrets.yml" "$@"

# 4. A misbehaving gateway in front of the emulator, and options refused before any request (issue 13).
start_gateway GATEWAY_URL "$SOURCE_URL"
run_playbook hardening.yml -e "emulator_url=$SOURCE_URL gateway_url=$GATEWAY_URL work_dir=$WORK_DIR" \
    -e "@$WORK_DIR/secrets.yml" "$@"
