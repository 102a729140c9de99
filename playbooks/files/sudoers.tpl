# Managed by Slipway (playbooks/bootstrap.yml). What {{ deploy_user }} may run as root, and nothing more:
# test and reload nginx, control the app's own systemd units ({{ app_name }}-*), run certbot with the webroot plugin.
# Everything else Slipway writes lives in directories {{ deploy_user }} owns ({{ deploy_dir }}, {{ nginx_include_dir }}).
Cmnd_Alias SLIPWAY_NGINX = /usr/sbin/nginx -t, /usr/sbin/nginx -t -q, /usr/bin/systemctl reload nginx, /usr/bin/systemctl reload nginx.service
Cmnd_Alias SLIPWAY_UNITS = /usr/bin/systemctl daemon-reload, \
  /usr/bin/systemctl link {{ deploy_dir }}/units/{{ app_name }}-*, \
  /usr/bin/systemctl start {{ app_name }}-*, /usr/bin/systemctl stop {{ app_name }}-*, \
  /usr/bin/systemctl restart {{ app_name }}-*, /usr/bin/systemctl reload {{ app_name }}-*, \
  /usr/bin/systemctl enable {{ app_name }}-*, /usr/bin/systemctl disable {{ app_name }}-*
Cmnd_Alias SLIPWAY_CERTS = /usr/bin/certbot certonly --webroot *, /usr/bin/certbot renew *
{{ deploy_user }} ALL=(root) NOPASSWD: SLIPWAY_NGINX, SLIPWAY_UNITS, SLIPWAY_CERTS
