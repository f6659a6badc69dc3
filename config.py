"""Configuration classes per environment: the only module that reads os.environ."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
# Tests only: the test process and the gunicorn it starts must sign alike. Every other
# environment gets a secret nobody can read in this file (see Config.__init__).
DEV_SECRET = "dev-insecure-secret-change-me-before-deploying"
MIN_SECRET_LENGTH = 32
PLACEHOLDER = "change-me"  # the .env.* templates' marker
SECRET_FILE = BASE_DIR / "instance" / "secret_key"
SECRET_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"

load_dotenv(BASE_DIR / ".env")


def env(name, default=None):
    """Return an environment variable, treating an empty value as unset."""
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    return str(env(name, default)).lower() in ("1", "true", "yes", "on")


def database_url():
    """Return DATABASE_URL with the psycopg 3 driver, or None."""
    url = env("DATABASE_URL")
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redis_url():
    """Return REDIS_URL, or the seed's CHANNEL_LAYER_TYPE=redis + REDIS_HOST/REDIS_PORT, or None."""
    if env("REDIS_URL"):
        return env("REDIS_URL")
    if env("CHANNEL_LAYER_TYPE") == "redis":
        return f"redis://{env('REDIS_HOST', 'localhost')}:{env('REDIS_PORT', '6379')}/0"
    return None


def instance_secret(path=None):
    """Return the random secret kept in instance/ (mode 0600), creating it on first use."""
    path = path or SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(draft, path)  # atomic; a process that lost the race reads the winner's secret
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def secret_problems(config):
    """Return what is wrong with the secrets of a deployed (staging, production) config."""
    problems = []
    for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
        value = getattr(config, name) or ""
        if not value:
            problems.append(f"{name} must be set")
        elif value == DEV_SECRET or PLACEHOLDER in value.lower():
            problems.append(f"{name} is the template's placeholder")
        elif len(value) < MIN_SECRET_LENGTH:
            problems.append(f"{name} must be at least {MIN_SECRET_LENGTH} characters long")
    if problems:
        problems.append(f"make one with: {SECRET_HINT}")
    return problems


class UnsafeConfigError(RuntimeError):
    """A setting this environment must not start with."""


class Config:
    ENVIRONMENT = "development"
    TESTING = False
    SECRET_KEY = env("SECRET_KEY")
    JWT_SECRET_KEY = env("JWT_SECRET_KEY")
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=int(env("ACCESS_TOKEN_MINUTES", 15)))
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=int(env("REFRESH_TOKEN_DAYS", 7)))
    JWT_TOKEN_LOCATION = ["headers", "query_string"]
    JWT_QUERY_STRING_NAME = "token"
    SQLALCHEMY_DATABASE_URI = database_url() or "sqlite:///pulseguard.db"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL connections a process keeps (SQLAlchemy's 5 when unset) and may open beyond them,
    # closed on return (10 when unset). pulseguard.create_worker_app applies them.
    DB_POOL_SIZE = env("DB_POOL_SIZE")
    DB_MAX_OVERFLOW = env("DB_MAX_OVERFLOW")
    REDIS_URL = redis_url()
    EVENTS_CHANNEL = env("EVENTS_CHANNEL", "pulseguard-events")
    REGISTRATION_ENABLED = env_bool("REGISTRATION_ENABLED", False)
    PASSWORD_MIN_LENGTH = int(env("PASSWORD_MIN_LENGTH", 8))
    LOG_LEVEL = env("LOG_LEVEL", "INFO").upper()
    LOG_DIR = env("LOG_DIR", str(BASE_DIR / "logs"))
    RESULT_RETENTION_DAYS = int(env("RESULT_RETENTION_DAYS", 30))
    # The check engine: servers per check batch job; probes running at once per process.
    CHECK_BATCH_SIZE = int(env("CHECK_BATCH_SIZE", 250))
    CHECK_POOL_SIZE = int(env("CHECK_POOL_SIZE", 500))
    CHECK_LOOKAHEAD_S = float(env("CHECK_LOOKAHEAD_S", 4))  # claim servers due this far ahead
    CHECK_DISPATCH_LIMIT = int(env("CHECK_DISPATCH_LIMIT", 20000))  # servers claimed per tick
    CHECK_JOB_TTL_S = int(env("CHECK_JOB_TTL_S", 60))  # a batch queued longer is dropped
    CHECK_MAX_PENDING = int(env("CHECK_MAX_PENDING", 20000))  # checks held per process
    # The dispatcher claims nothing while the checks queue holds this many batches (0: no limit).
    CHECK_QUEUE_MAX_JOBS = int(env("CHECK_QUEUE_MAX_JOBS", 20))
    CHECK_CA_BUNDLE = env("CHECK_CA_BUNDLE")  # CA file for HTTPS checks (default: certifi)
    # A worker's claims are leased (Redis); a lease not renewed for this long (a native thread
    # renews it every fifth of this) is taken over by another worker, which runs those checks
    # instead (0: no leases).
    CHECK_LEASE_S = float(env("CHECK_LEASE_S", 0.5))
    RECORD_BATCH_SIZE = int(env("RECORD_BATCH_SIZE", 200))  # results per recording transaction
    RECORD_DELAY_S = float(env("RECORD_DELAY_S", 0.25))  # longest wait to fill a batch
    DISPATCH_INTERVAL_S = float(env("DISPATCH_INTERVAL_S", 1))
    MAINTENANCE_INTERVAL_S = float(env("MAINTENANCE_INTERVAL_S", 1))  # windows put in force
    # A failure this soon after an incident's resolution reopens it (0: never; flapping servers).
    INCIDENT_REOPEN_WINDOW = float(env("INCIDENT_REOPEN_WINDOW", 0))
    SQLITE_CHECKPOINT_S = float(env("SQLITE_CHECKPOINT_S", 1))  # embedded SQLite: WAL checkpoints
    PRUNE_INTERVAL_S = int(env("PRUNE_INTERVAL_S", 3600))
    PRUNE_BATCH_SIZE = int(env("PRUNE_BATCH_SIZE", 5000))
    ROLLUP_RETENTION_DAYS = int(env("ROLLUP_RETENTION_DAYS", 90))
    STATE_RETENTION_DAYS = int(env("STATE_RETENTION_DAYS", 400))  # daily state rollups (bars)
    PUBLIC_CACHE_TTL_S = int(env("PUBLIC_CACHE_TTL_S", 30))  # public status-page JSON, per slug
    RATE_LIMIT_PUBLIC = env(
        "RATE_LIMIT_PUBLIC", "300 per minute"
    )  # per IP, /api/public/ and /status/
    WORKER_QUEUES = env("WORKER_QUEUES", "upkeep,checks,notify")
    SSE_HEARTBEAT_S = float(env("SSE_HEARTBEAT_S", 15))
    # Live streams: batches a stream may fall behind before it is dropped; replay cap on resume.
    LIVE_QUEUE_SIZE = int(env("LIVE_QUEUE_SIZE", 256))
    LIVE_REPLAY_MAX = int(env("LIVE_REPLAY_MAX", 1000))
    # Open streams whose token was revoked (logout, password change) end within this many seconds.
    LIVE_TOKEN_CHECK_S = float(env("LIVE_TOKEN_CHECK_S", 15))
    # The hub writes to idle streams' sockets itself (0: through each stream's greenlet), and
    # lets other greenlets run after every slice of this many streams.
    LIVE_DIRECT_WRITES = env_bool("LIVE_DIRECT_WRITES", True)
    LIVE_FANOUT_SLICE = int(env("LIVE_FANOUT_SLICE", 250))
    METRICS_TOKEN = env("METRICS_TOKEN")
    METRICS_REDIS_PREFIX = env("METRICS_REDIS_PREFIX", "pulseguard:metrics")
    # Security: rate limits (flask-limiter syntax, ";" between limits), CORS, proxies.
    RATELIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
    RATE_LIMIT_LOGIN = env("RATE_LIMIT_LOGIN", "10 per minute;100 per hour")
    RATE_LIMIT_TOKEN = env("RATE_LIMIT_TOKEN", "60 per minute")
    API_KEY_RATE_LIMIT = env("API_KEY_RATE_LIMIT", "600 per minute")  # per API key
    RATE_LIMIT_NOTIFY_TEST = env("RATE_LIMIT_NOTIFY_TEST", "10 per minute")  # per user
    RATE_LIMIT_SERVER_TEST = env("RATE_LIMIT_SERVER_TEST", "30 per minute")  # per user
    RATELIMIT_STORAGE_URI = env("RATE_LIMIT_STORAGE_URI", redis_url() or "memory://")
    CORS_ORIGINS = [o.strip() for o in env("CORS_ORIGINS", "").split(",") if o.strip()]
    TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", 0))
    MAX_CONTENT_LENGTH = int(env("MAX_BODY_BYTES", 1024 * 1024))  # larger bodies: 413
    # POST /api/config/apply/ only: a 5,000-server export is ~2.6 MB.
    CONFIG_MAX_BODY_BYTES = int(env("CONFIG_MAX_BODY_BYTES", 16 * 1024 * 1024))
    # Where checks and notifications may connect (pulseguard/checks/guard.py): CIDRs or groups.
    TARGET_DENY_NETWORKS = env("TARGET_DENY_NETWORKS", "default")
    TARGET_ALLOW_NETWORKS = env("TARGET_ALLOW_NETWORKS", "")
    PUBLIC_URL = env("PUBLIC_URL", f"http://localhost:{env('PORT', '5000')}")  # follows PORT
    # How icmp checks send (pulseguard/checks/icmp.py): auto, unprivileged or privileged.
    ICMP_MODE = env("ICMP_MODE", "auto")
    PUSH_BODY_LIMIT = int(env("PUSH_BODY_LIMIT", 10000))  # bytes of a push ping's body kept
    PUSH_SWEEP_INTERVAL_S = float(env("PUSH_SWEEP_INTERVAL_S", 1))  # push deadline sweeps
    PUSH_BATCH_SIZE = int(env("PUSH_BATCH_SIZE", 200))  # pings recorded per transaction
    PUSH_BATCH_DELAY_S = float(env("PUSH_BATCH_DELAY_S", 0.002))  # longest wait to fill one
    PUSH_RATE_LIMIT = env("PUSH_RATE_LIMIT", "60 per minute")  # per push server (its token)
    # Notifications.
    SMTP_HOST = env("SMTP_HOST", "localhost")
    SMTP_PORT = int(env("SMTP_PORT", 25))
    SMTP_USERNAME = env("SMTP_USERNAME")
    SMTP_PASSWORD = env("SMTP_PASSWORD")
    SMTP_SECURITY = env("SMTP_SECURITY", "none")  # none | starttls | ssl
    SMTP_FROM = env("SMTP_FROM", "pulseguard@localhost")
    WEBHOOK_SECRET = env("WEBHOOK_SECRET")
    WEBHOOK_TIMEOUT_S = float(env("WEBHOOK_TIMEOUT_S", 5))
    TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
    TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
    TWILIO_API_BASE = env("TWILIO_API_BASE", "https://api.twilio.com")
    SMTP_TIMEOUT_S = float(env("SMTP_TIMEOUT_S", 10))
    SMTP_CA_FILE = env("SMTP_CA_FILE")  # CA bundle for a relay with a private CA
    SMS_TIMEOUT_S = float(env("SMS_TIMEOUT_S", 10))
    # Apprise: the schemes users may send to (empty: every network service), and its timeouts.
    APPRISE_ALLOWED_SCHEMES = env("APPRISE_ALLOWED_SCHEMES")
    APPRISE_TIMEOUT_S = float(env("APPRISE_TIMEOUT_S", 10))  # notify(timeout=): the whole send
    APPRISE_IO_TIMEOUT_S = float(env("APPRISE_IO_TIMEOUT_S", 4))  # rto and cto of each request
    # Delivery attempts running at once per process (a hanging channel holds one each).
    NOTIFY_CONCURRENCY = int(env("NOTIFY_CONCURRENCY", 500))
    NOTIFY_BATCH = int(env("NOTIFY_BATCH", 50))  # attempts per notify job (a mass outage's)
    REMINDER_INTERVAL_S = int(env("REMINDER_INTERVAL_S", 60))  # how often reminders are due-checked
    # An attempt "sending" longer than this was cut short by a stopped worker (notify/resume.py),
    # looked for every NOTIFY_RESUME_S.
    NOTIFY_STALL_S = float(env("NOTIFY_STALL_S", 120))
    NOTIFY_RESUME_S = int(env("NOTIFY_RESUME_S", 60))
    # Seconds to wait before each retry of a failed delivery; attempts = retries + 1.
    NOTIFY_RETRY_DELAYS_S = tuple(
        float(s) for s in env("NOTIFY_RETRY_DELAYS_S", "30,120,600").split(",") if s.strip()
    )
    # flask-smorest and the OpenAPI document.
    API_TITLE = "PulseGuard"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/static/"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "apiKeyAuth": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": "An API key (`pgk_...`); `Authorization: Bearer pgk_...` "
                    "works too. Never in a query string. See /api/auth/api-keys/.",
                },
            }
        },
        "security": [{"bearerAuth": []}, {"apiKeyAuth": []}],
        "info": {
            "description": "Server health monitoring: REST, SSE and WebSocket API. No string "
            "(in a body, a query string or a WebSocket message) may contain NUL or an unpaired "
            "surrogate: such input is refused with 422 naming the field. JSON nested deeper "
            "than 32 levels is refused with 400, a body larger than MAX_BODY_BYTES with 413."
        },
    }

    def __init__(self):
        if not self.SECRET_KEY:
            self.SECRET_KEY = self.default_secret()
        if not self.JWT_SECRET_KEY:
            self.JWT_SECRET_KEY = self.SECRET_KEY

    def default_secret(self):
        """Return the secret used when SECRET_KEY is unset (None: the environment needs one)."""
        return None

    def validate(self):
        """Raise UnsafeConfigError when a setting is unsafe for this environment."""


class DevelopmentConfig(Config):
    def default_secret(self):
        return instance_secret()


class TestingConfig(Config):
    ENVIRONMENT = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = env("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = env("TEST_REDIS_URL")
    RATELIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", False)  # tests that need it turn it on
    RATELIMIT_STORAGE_URI = "memory://"
    LOG_DIR = None
    SSE_HEARTBEAT_S = float(env("SSE_HEARTBEAT_S", 1))
    CHECK_LEASE_S = float(env("TEST_CHECK_LEASE_S", 0))  # in-process tests: no lease keeper

    def default_secret(self):
        return DEV_SECRET


class StagingConfig(Config):
    ENVIRONMENT = "staging"

    def validate(self):
        if problems := secret_problems(self):
            raise UnsafeConfigError("Refusing to start in staging: " + "; ".join(problems))


class ProductionConfig(Config):
    ENVIRONMENT = "production"

    def validate(self):
        problems = secret_problems(self)
        if not database_url():
            problems.append("DATABASE_URL must be set")
        elif database_url().startswith("sqlite"):
            problems.append("DATABASE_URL must point to PostgreSQL, not SQLite")
        if self.PASSWORD_MIN_LENGTH < 8:
            problems.append("PASSWORD_MIN_LENGTH must be 8 or more")
        if not self.RATELIMIT_ENABLED:
            problems.append("RATE_LIMIT_ENABLED must stay on")
        if "*" in self.CORS_ORIGINS:
            problems.append("CORS_ORIGINS must list origins, not *")
        if problems:
            raise UnsafeConfigError("Refusing to start in production: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "staging": StagingConfig,
    "production": ProductionConfig,
}


def config_for(name=None):
    """Return the Config instance for ENVIRONMENT (development by default)."""
    name = (name or env("ENVIRONMENT", "development")).lower()
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown ENVIRONMENT {name!r}: use one of {', '.join(CONFIGS)}")
    config = CONFIGS[name]()
    try:
        config.validate()
    except UnsafeConfigError as unsafe:
        raise SystemExit(f"PulseGuard: {unsafe}") from None  # one line, no traceback
    return config
