# Managed by Slipway (playbooks/bootstrap.yml): {{ app_name }}'s logs (one file per app on a shared host).
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
