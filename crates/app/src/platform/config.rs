//! Runtime configuration, filled by the CLI (clap, with environment variables).

use std::net::IpAddr;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the embedded database and the local object store live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; `None` means the embedded SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Size of the connection pool; `None` means `db::default_pool_size` for this machine.
    pub db_max_connections: Option<u32>,
    pub listen: SocketAddr,
    /// Public base URL used in links sent by email (verification, password reset).
    pub base_url: String,
    /// `smtp://host:port`, `smtps://user:pass@host` …; `None` sends mail to the dev mailbox.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Demo mode shows the development mailbox page and the demo logins.
    pub demo: bool,
    /// How often the outbox worker looks for due messages.
    pub worker_interval_ms: u64,
    /// Password of the offices' PKCS#12 signing certificates imported with `izinkes signer --p12`
    /// (kept out of the database).
    pub signer_p12_password: Option<String>,
    /// Uploaded files go to this S3-compatible bucket; `None` keeps them under `data_dir/objects`.
    pub s3: Option<S3Config>,
    /// The reverse proxies whose `X-Forwarded-For` / `Forwarded` name the client
    /// (`TRUSTED_PROXIES`); empty trusts nobody and every client is its socket address.
    pub trusted_proxies: TrustedProxies,
    /// WhatsApp and SMS gateways; without them izinkes notifies by e-mail only.
    pub gateways: GatewayConfig,
    /// The secret a payment gateway signs its callbacks with (`IZINKES_PAYMENT_SECRET`);
    /// without it `/api/hooks/payment` is off and the cashier confirms payments by hand.
    pub payment_secret: Option<Secret>,
    /// Send `Strict-Transport-Security` when the base URL is `https` (`IZINKES_HSTS`, on by
    /// default): browsers then never reach the service over plain HTTP.
    pub hsts: bool,
}

/// A secret setting: its value never reaches a log line.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The phone gateways (`docs/gateways.md`); each is on when its settings are complete.
#[derive(Clone, Debug, Default)]
pub struct GatewayConfig {
    pub whatsapp: Option<WhatsAppConfig>,
    pub sms: Option<SmsConfig>,
}

impl GatewayConfig {
    /// No gateway at all: the service notifies by e-mail only.
    pub fn is_email_only(&self) -> bool {
        self.whatsapp.is_none() && self.sms.is_none()
    }
}

/// The WhatsApp Business Cloud API of one business phone number.
#[derive(Clone)]
pub struct WhatsAppConfig {
    /// The Graph API root with its version, e.g. `https://graph.facebook.com/v24.0`.
    pub base_url: String,
    /// A system user's access token (`Authorization: Bearer`).
    pub token: String,
    /// The business phone number's id, the sender of every message.
    pub phone_number_id: String,
    /// The app secret that signs webhook bodies (`X-Hub-Signature-256`).
    pub app_secret: String,
    /// The token Meta echoes when it verifies the webhook URL (`hub.verify_token`).
    pub verify_token: String,
}

impl WhatsAppConfig {
    pub const DEFAULT_URL: &str = "https://graph.facebook.com/v24.0";
}

/// An HTTP SMS gateway speaking the contract of `docs/gateways.md`.
#[derive(Clone)]
pub struct SmsConfig {
    /// Where messages are posted, e.g. `https://sms.example.co.id/v1/messages`.
    pub url: String,
    /// Our credential at the gateway (`Authorization: Bearer`).
    pub token: String,
    /// The gateway's credential at our delivery-report callback (`Authorization: Bearer`).
    pub callback_token: String,
}

/// Secrets never reach a log line.
impl std::fmt::Debug for WhatsAppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhatsAppConfig")
            .field("base_url", &self.base_url)
            .field("phone_number_id", &self.phone_number_id)
            .field("token", &"<redacted>")
            .field("app_secret", &"<redacted>")
            .field("verify_token", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("callback_token", &"<redacted>")
            .finish()
    }
}

/// An S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage, moto …), addressed
/// path-style (`{endpoint}/{bucket}/{key}`) so servers without wildcard DNS work.
#[derive(Clone)]
pub struct S3Config {
    /// Base URL such as `http://127.0.0.1:9000`; `None` means AWS itself (`s3.{region}.amazonaws.com`).
    pub endpoint: Option<String>,
    pub bucket: String,
    /// Signing region; S3-compatible servers usually accept `us-east-1`.
    pub region: String,
    /// Static credentials; without them the usual AWS chain applies (web identity, instance metadata).
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    /// Allow a plain `http://` endpoint (local or in-cluster servers).
    pub allow_http: bool,
}

impl S3Config {
    pub const DEFAULT_REGION: &str = "us-east-1";

    /// A bucket on an S3-compatible server at `endpoint`; plain HTTP is allowed when the
    /// endpoint says `http://`.
    pub fn new(endpoint: Option<String>, bucket: impl Into<String>) -> S3Config {
        let allow_http = endpoint.as_deref().is_some_and(|e| e.starts_with("http://"));
        S3Config {
            endpoint,
            bucket: bucket.into(),
            region: Self::DEFAULT_REGION.into(),
            access_key: None,
            secret_key: None,
            allow_http,
        }
    }
}

/// The secret key never reaches a log line.
impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<redacted>"))
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl Config {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("izinkes.db").display()),
        }
    }

    pub fn uses_embedded_db(&self) -> bool {
        self.database_url.is_none()
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn for_tests(data_dir: PathBuf, database_url: Option<String>) -> Config {
        Config {
            data_dir,
            database_url,
            db_max_connections: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: "http://127.0.0.1".into(),
            smtp_url: None,
            mail_from: "izinkes <noreply@izinkes.local>".into(),
            demo: false,
            worker_interval_ms: 200,
            signer_p12_password: None,
            s3: None,
            trusted_proxies: TrustedProxies::default(),
            gateways: GatewayConfig::default(),
            payment_secret: None,
            hsts: true,
        }
    }

    /// Whether responses carry `Strict-Transport-Security`: HSTS is on and the public URL is
    /// `https`.
    pub fn sends_hsts(&self) -> bool {
        self.hsts && self.base_url.starts_with("https://")
    }
}

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a network
/// of that one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a `TRUSTED_PROXIES` entry was refused; the message names the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry:?} is not a CIDR such as 127.0.0.1/32 or ::1/128: {why}")]
pub struct CidrError {
    entry: String,
    why: &'static str,
}

impl Cidr {
    /// Whether `ip` is inside the network. An IPv4 address written as IPv6 (`::ffff:a.b.c.d`,
    /// what a dual-stack socket reports) is compared as the IPv4 address it is.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_matches(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_matches(&net.octets(), &ip.octets(), self.prefix),
            _ => false,
        }
    }
}

/// The first `prefix` bits of `a` and `b` are equal.
fn prefix_matches(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Cidr, CidrError> {
        let entry = s.trim();
        let refuse = |why| CidrError {
            entry: entry.to_string(),
            why,
        };
        let (addr, prefix) = match entry.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (entry, None),
        };
        let network = IpAddr::from_str(addr).map_err(|_| refuse("not an IPv4 or IPv6 address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| {
                    refuse(if network.is_ipv4() {
                        "an IPv4 prefix is 0 to 32"
                    } else {
                        "an IPv6 prefix is 0 to 128"
                    })
                })?
            }
            Some(_) => return Err(refuse("the prefix after / is not a number")),
        };
        Ok(Cidr { network, prefix })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The proxies trusted to say who the client is (`TRUSTED_PROXIES`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Comma-separated CIDRs; an empty text trusts nobody. One bad entry refuses the whole
    /// setting, so a typo cannot silently trust less (or more) than meant.
    pub fn parse(s: &str) -> Result<TrustedProxies, CidrError> {
        s.split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(Cidr::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidrs_match_their_networks_only() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains(ip("10.1.255.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(!c.contains(ip("::1")));
        let odd: Cidr = "192.168.0.128/25".parse().unwrap();
        assert!(odd.contains(ip("192.168.0.200")));
        assert!(!odd.contains(ip("192.168.0.127")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
    }

    #[test]
    fn edges_of_the_prefix_range() {
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert_eq!(one.to_string(), "127.0.0.1/32");
        assert!(one.contains(ip("127.0.0.1")));
        assert!(!one.contains(ip("127.0.0.2")));
        let v6one: Cidr = "::1/128".parse().unwrap();
        assert!(v6one.contains(ip("::1")));
        assert!(!v6one.contains(ip("::2")));
    }

    #[test]
    fn ipv4_mapped_addresses_compare_as_ipv4() {
        let c: Cidr = "127.0.0.0/8".parse().unwrap();
        assert!(c.contains(ip("::ffff:127.0.0.1")));
    }

    #[test]
    fn bad_cidrs_are_refused_with_the_entry_named() {
        for bad in [
            "10.0.0/8",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/8x",
            "localhost",
            "[::1]/128",
        ] {
            let e = bad.parse::<Cidr>().unwrap_err();
            assert!(e.to_string().contains(bad), "{e}");
        }
        let e = TrustedProxies::parse("127.0.0.1/32, 10.0.0.0/40").unwrap_err();
        assert!(e.to_string().contains("10.0.0.0/40"), "{e}");
    }

    #[test]
    fn a_list_trusts_what_any_entry_covers_and_empty_trusts_nobody() {
        let t = TrustedProxies::parse(" 127.0.0.1/32 , ::1/128,").unwrap();
        assert!(t.contains(ip("127.0.0.1")));
        assert!(t.contains(ip("::1")));
        assert!(!t.contains(ip("127.0.0.2")));
        let none = TrustedProxies::parse("").unwrap();
        assert!(none.is_empty());
        assert!(!none.contains(ip("127.0.0.1")));
    }
}
