# Managed by Slipway (playbooks/bootstrap.yml): what the privilege helper lets the deploy user touch for {{ app_name }}.
# key=value lines, read as data (never sourced).
deploy_dir={{ deploy_dir }}
data_dir={{ data_dir }}
acme_webroot={{ acme_webroot }}
domains={{ app_domains | join(' ') }}
acme_server={{ acme_server }}
acme_email={{ acme_email }}
acme_ca_bundle={{ acme_ca_bundle }}
