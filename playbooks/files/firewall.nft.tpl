#!/usr/sbin/nft -f
# Managed by Slipway (playbooks/bootstrap.yml): the host-wide part, the same for every app on this host: inbound TCP
# only to the SSH port {{ firewall_ssh_port }}, plus what each app's file in /etc/slipway/firewall.d/ adds (one file per
# app, so that bootstrapping one app never closes another's ports).
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
    tcp dport { {{ firewall_ssh_port }} } accept
  }
}

include "/etc/slipway/firewall.d/*.nft"
