#!/usr/sbin/nft -f
# Managed by Slipway (playbooks/bootstrap.yml): what {{ app_name }} lets in (inbound TCP to {{ firewall_app_tcp_ports | join(', ') if firewall_app_tcp_ports | length > 0 else 'no port' }};
# its upstream ports from the nginx hosts only). /etc/slipway/firewall.nft includes it into the host's input chain;
# alone (nft -c) it declares a plain chain, so it validates before that table exists.
table inet slipway_firewall {
  chain input {
    {{ ('tcp dport { ' ~ (firewall_app_tcp_ports | join(', ')) ~ ' } accept') if firewall_app_tcp_ports | length > 0 else '' }}
    {{ firewall_upstream_rules | join('; ') }}
  }
}
