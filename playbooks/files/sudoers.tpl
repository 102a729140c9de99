# Managed by Slipway (playbooks/bootstrap.yml), deploy_privilege={{ deploy_privilege }}: one file per deploy user, the same
# for every app that user deploys. helper: the one command {{ deploy_user }} may run as root is the helper, which
# validates its own arguments against the apps recorded in /etc/slipway/apps/ (no `*`, no argument pattern here).
# root: {{ deploy_user }} is root-equivalent on purpose. docs/security.md, "The deploy user", says what each allows.
{{ deploy_user }} {{ 'ALL=(ALL) NOPASSWD: ALL' if deploy_privilege == 'root' else 'ALL=(root) NOPASSWD: ' ~ helper_dir ~ '/slipway-helper' }}
