#!/usr/sbin/nft -f
# Managed by Slipway (playbooks/bootstrap.yml): inbound TCP only to {{ firewall_tcp_ports | join(', ') }}
# (and the upstream ports, from the nginx hosts only, when nginx runs elsewhere).
# A table of its own: Docker's iptables-nft tables and anything else are left alone. Declaring then deleting the
# table makes a reload replace it atomically (and works when it does not exist yet).
table inet slipway_firewall
delete table inet slipway_firewall

table inet slipway_firewall {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    iif "lo" accept
    iifname "docker0" accept
    iifname "br-*" accept
    meta l4proto { icmp, ipv6-icmp } accept
    tcp dport { {{ firewall_tcp_ports | join(', ') }} } accept
    {{ firewall_upstream_rules | join('; ') }}
  }
}
