# Installed by slipway: certbot renewals trust the private ACME server's CA.
[Service]
Environment="REQUESTS_CA_BUNDLE={{ acme_ca_bundle }}"
