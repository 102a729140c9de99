# Managed by Slipway (playbooks/bootstrap.yml).
{{ deploy_dir }}/logs/*.log {
    weekly
    rotate 8
    compress
    delaycompress
    missingok
    notifempty
    copytruncate
    su {{ deploy_user }} {{ deploy_user }}
}
