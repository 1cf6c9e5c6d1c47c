"""A small local server that speaks the part of Stripe's REST API Summit uses.

It runs in a thread on 127.0.0.1 (random port) so tests and benches talk to it through the
real stripe-python client (`STRIPE_API_BASE`), over HTTP, with Stripe's form encoding, object
shapes, errors, API-key check and `Idempotency-Key` semantics. Endpoints:

    POST /v1/checkout/sessions               GET /v1/checkout/sessions[?payment_intent=&limit=&starting_after=]
    GET  /v1/checkout/sessions/{id}          POST /v1/checkout/sessions/{id}/expire
    POST /v1/refunds                         GET  /v1/refunds/{id}
    GET  /c/pay/{id}, POST /c/pay/{id}       (a stand-in for the hosted payment page, for demos)

Test controls are plain methods: `create_session` (someone else's session), `pay`, `start_async_payment`, `finish_async_payment`,
`expire`, `refund`, `event`, `signature_header`, `send_webhook`, and `requests` (what it received).
Webhooks are signed exactly as Stripe signs them:
`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, f"{t}.{payload}")>`.
"""

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2025-06-30.basil"
CHECKOUT_LOCALES = {
    "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr",
    "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt",
    "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
}  # fmt: skip
MIN_EXPIRY, MAX_EXPIRY = 30 * 60, 24 * 3600
TEST_API_KEY = "sk_test_summit_fake"
TEST_WEBHOOK_SECRET = "whsec_summit_fake"  # noqa: S105 - a test secret


class StripeFailure(Exception):
    def __init__(self, status, message, *, type="invalid_request_error", param=None, code=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message}}
        if param:
            self.body["error"]["param"] = param
        if code:
            self.body["error"]["code"] = code


def _new_id(prefix):
    return f"{prefix}_{secrets.token_hex(12)}"


def decode_form(pairs):
    """Stripe's nested form encoding (a[b][0][c]=1, expand[]=x) back into dicts and lists."""
    root = {}
    for key, value in pairs:
        head = key.split("[", 1)[0]
        parts = [head, *re.findall(r"\[([^\]]*)\]", key[len(head) :])]
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            nxt = None if last else parts[index + 1]
            if last:
                if part == "":
                    node.append(value)
                else:
                    node[part] = value
                break
            if part == "" and isinstance(node, list):
                node.append({})
                node = node[-1]
                continue
            if part not in node:
                node[part] = [] if nxt == "" else {}
            node = node[part]
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {key: _listify(value) for key, value in node.items()}
        if node and all(key.isdigit() for key in node):
            return [node[key] for key in sorted(node, key=int)]
        return node
    if isinstance(node, list):
        return [_listify(item) for item in node]
    return node


def _int(params, name, *, required=True, minimum=None):
    raw = params.get(name)
    if raw is None:
        if required:
            raise StripeFailure(400, f"Missing required param: {name}.", param=name, code="parameter_missing")
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise StripeFailure(
            400, f"Invalid integer: {raw}", param=name, code="parameter_invalid_integer"
        ) from None
    if minimum is not None and value < minimum:
        raise StripeFailure(400, f"This value must be greater than or equal to {minimum}.", param=name)
    return value


class FakeStripe:
    def __init__(self, *, api_key=TEST_API_KEY, webhook_secret=TEST_WEBHOOK_SECRET, webhook_url=None):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url  # when set, state changes also POST signed events there
        self.sessions = {}
        self.payment_intents = {}
        self.charges = {}
        self.refunds = {}
        self.idempotent = {}
        self.requests = []
        self.fail_next = []  # statuses to answer (500, 503...) to the next API requests, for outage tests
        self.lock = threading.RLock()
        self.server = None
        self.thread = None
        self.clock = time.time

    # -- lifecycle -------------------------------------------------------------------------

    def start(self):
        fake = self

        class Handler(_Handler):
            stripe = fake

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def now(self):
        return int(self.clock())

    # -- API -------------------------------------------------------------------------------

    def handle(self, method, path, params, headers):
        """Dispatch one API request; returns (status, body dict, extra headers)."""
        with self.lock:
            self.requests.append(
                {
                    "method": method,
                    "path": path,
                    "params": params,
                    "idempotency_key": headers.get("idempotency-key"),
                }
            )
            if self.fail_next:
                status = self.fail_next.pop(0)
                return status, {"error": {"type": "api_error", "message": "Simulated outage."}}, {}
            auth = headers.get("authorization", "")
            if auth != f"Bearer {self.api_key}":
                shown = auth.removeprefix("Bearer ")[:8]
                return (
                    401,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "message": f"Invalid API Key provided: {shown}***",
                        }
                    },
                    {},
                )
            key = headers.get("idempotency-key")
            if method == "POST" and key:
                fingerprint = hashlib.sha256(json.dumps([path, params], sort_keys=True).encode()).hexdigest()
                seen = self.idempotent.get(key)
                if seen:
                    if seen[0] != fingerprint:
                        return 400, {"error": {"type": "idempotency_error", "message": (
                            "Keys for idempotent requests can only be used with the same parameters they were "
                            f"first used with. Try using a key other than '{key}' if you meant to execute a "
                            "different request.")}}, {}  # fmt: skip
                    return seen[1], json.loads(seen[2]), {"Idempotent-Replayed": "true"}
            try:
                status, body = self._route(method, path, params)
            except StripeFailure as failure:
                status, body = failure.status, failure.body
            if method == "POST" and key and status < 500:
                self.idempotent[key] = (fingerprint, status, json.dumps(body))
            return status, body, {}

    def _route(self, method, path, params):
        parts = [p for p in path.split("/") if p]
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if len(parts) == 3 and method == "POST":
                return 200, self._create_session(params)
            if len(parts) == 3 and method == "GET":
                return 200, self._list_sessions(params)
            if len(parts) == 4 and method == "GET":
                return 200, self._render_session(self._session(parts[3]), params.get("expand", []))
            if len(parts) == 5 and parts[4] == "expire" and method == "POST":
                return 200, self._render_session(self._expire(parts[3]), params.get("expand", []))
        if parts[:2] == ["v1", "refunds"]:
            if len(parts) == 2 and method == "POST":
                return 200, self._create_refund(params)
            if len(parts) == 3 and method == "GET":
                refund = self.refunds.get(parts[2])
                if refund is None:
                    raise StripeFailure(
                        404, f"No such refund: '{parts[2]}'", param="id", code="resource_missing"
                    )
                return 200, dict(refund)
        raise StripeFailure(404, f"Unrecognized request URL ({method}: {path}).")

    def _session(self, session_id):
        session = self.sessions.get(session_id)
        if session is None:
            raise StripeFailure(
                404, f"No such checkout.session: '{session_id}'", param="session", code="resource_missing"
            )
        return session

    def _create_session(self, params):
        if params.get("mode") not in ("payment", "setup", "subscription"):
            raise StripeFailure(400, "Missing required param: mode.", param="mode", code="parameter_missing")
        if params.get("mode") != "payment":
            raise StripeFailure(400, "This fake only supports mode=payment.", param="mode")
        if not params.get("success_url"):
            raise StripeFailure(400, "Missing required param: success_url.", param="success_url")
        line_items = params.get("line_items")
        if not isinstance(line_items, list) or not line_items:
            raise StripeFailure(400, "Missing required param: line_items.", param="line_items")
        currency, total = None, 0
        for index, item in enumerate(line_items):
            price_data = item.get("price_data") if isinstance(item, dict) else None
            if not isinstance(price_data, dict):
                raise StripeFailure(
                    400, "Each line item needs price_data.", param=f"line_items[{index}][price_data]"
                )
            prefix = f"line_items[{index}][price_data]"
            amount = _int(price_data, "unit_amount", minimum=0)
            quantity = _int(item, "quantity", minimum=1)
            item_currency = (price_data.get("currency") or "").lower()
            if not re.fullmatch(r"[a-z]{3}", item_currency):
                raise StripeFailure(400, "Invalid currency.", param=f"{prefix}[currency]")
            if not (price_data.get("product_data") or {}).get("name"):
                raise StripeFailure(
                    400, "Missing required param: product_data[name].", param=f"{prefix}[product_data][name]"
                )
            if currency and item_currency != currency:
                raise StripeFailure(
                    400, "All line items must share one currency.", param=f"{prefix}[currency]"
                )
            currency = item_currency
            total += amount * quantity
        if 0 < total < 50 and currency == "usd":
            raise StripeFailure(400, "The Checkout Session's total amount due must add up to at least $0.50 usd",
                                param="line_items")  # fmt: skip
        now = self.now()
        expires_at = _int(params, "expires_at", required=False)
        if expires_at is None:
            expires_at = now + MAX_EXPIRY
        elif not (now + MIN_EXPIRY <= expires_at <= now + MAX_EXPIRY):
            raise StripeFailure(
                400,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
                param="expires_at",
            )
        locale = params.get("locale")
        if locale is not None and locale not in CHECKOUT_LOCALES:
            raise StripeFailure(400, f"Invalid locale: {locale}", param="locale")
        metadata = params.get("metadata") or {}
        if not isinstance(metadata, dict) or len(metadata) > 50:
            raise StripeFailure(400, "Invalid metadata.", param="metadata")
        session_id = f"cs_test_{secrets.token_hex(24)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_email": params.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "locale": locale,
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "no_payment_required" if total == 0 else "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "url": None,
            "line_items_data": line_items,
        }
        session["url"] = f"{self.url}/c/pay/{session_id}"
        self.sessions[session_id] = session
        return self._render_session(session, params.get("expand", []))

    def _render_session(self, session, expand):
        body = {key: value for key, value in session.items() if key != "line_items_data"}
        if session["status"] == "open" and session["expires_at"] <= self.now():
            # Stripe expires sessions on its own shortly after expires_at.
            session["status"] = body["status"] = "expired"
            body["url"] = session["url"] = None
        if body["status"] != "open":
            body["url"] = None
        expand = expand if isinstance(expand, list) else [expand]
        pi_id = session["payment_intent"]
        if pi_id and ("payment_intent" in expand or "payment_intent.latest_charge" in expand):
            intent = dict(self.payment_intents[pi_id])
            if "payment_intent.latest_charge" in expand and intent["latest_charge"]:
                intent["latest_charge"] = dict(self.charges[intent["latest_charge"]])
            body["payment_intent"] = intent
        return body

    def _list_sessions(self, params):
        limit = _int(params, "limit", required=False) or 10
        limit = max(1, min(limit, 100))
        items = list(reversed(self.sessions.values()))  # newest first, as Stripe lists
        if params.get("payment_intent"):
            items = [s for s in items if s["payment_intent"] == params["payment_intent"]]
        if params.get("starting_after"):
            ids = [s["id"] for s in items]
            if params["starting_after"] not in ids:
                raise StripeFailure(
                    404, f"No such checkout.session: '{params['starting_after']}'", param="starting_after"
                )
            items = items[ids.index(params["starting_after"]) + 1 :]
        page = items[:limit]
        expand = params.get("expand", [])
        expand = expand if isinstance(expand, list) else [expand]
        return {
            "object": "list",
            "data": [self._render_session(s, [e.removeprefix("data.") for e in expand]) for s in page],
            "has_more": len(items) > limit,
            "url": "/v1/checkout/sessions",
        }

    def _expire(self, session_id):
        session = self._session(session_id)
        self._render_session(session, [])  # lazily applies expiry by time
        if session["status"] != "open":
            raise StripeFailure(
                400,
                f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a '
                f'status of "{session["status"]}".',
            )
        session["status"] = "expired"
        return session

    def _create_refund(self, params):
        charge = None
        if params.get("charge"):
            charge = self.charges.get(params["charge"])
            if charge is None:
                raise StripeFailure(
                    404, f"No such charge: '{params['charge']}'", param="charge", code="resource_missing"
                )
        elif params.get("payment_intent"):
            intent = self.payment_intents.get(params["payment_intent"])
            if intent is None:
                raise StripeFailure(404, f"No such payment_intent: '{params['payment_intent']}'",
                                    param="payment_intent", code="resource_missing")  # fmt: skip
            if not intent["latest_charge"]:
                raise StripeFailure(400, "This PaymentIntent does not have a successful charge to refund.",
                                    param="payment_intent")  # fmt: skip
            charge = self.charges[intent["latest_charge"]]
        else:
            raise StripeFailure(400, "One of the following params should be provided for this request: "
                                "payment_intent or charge.")  # fmt: skip
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeFailure(
                400, f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
            )
        amount = _int(params, "amount", required=False, minimum=1) or remaining
        if amount > remaining:
            raise StripeFailure(400, f"Refund amount (${amount / 100:.2f}) is greater than unrefunded amount on "
                                f"charge (${remaining / 100:.2f})", param="amount")  # fmt: skip
        return self._refund_charge(charge, amount, params.get("reason"), params.get("metadata") or {})

    def _refund_charge(self, charge, amount, reason=None, metadata=None):
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": self.now(),
            "currency": charge["currency"],
            "metadata": metadata or {},
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        return refund

    # -- test controls (what the customer or a Stripe dashboard user does) ------------------

    def create_session(self, *, amount, currency="usd", client_reference_id=None, metadata=None):
        """A Checkout Session made on this account by something other than Summit (a payment
        link, another integration): anyone paying through it may fill in client_reference_id.
        Returns the session."""
        params = {
            "mode": "payment",
            "line_items": [
                {"quantity": "1", "price_data": {"currency": currency, "unit_amount": str(amount),
                                                 "product_data": {"name": "Payment link"}}}
            ],
            "success_url": "https://example.org/thanks",
            "client_reference_id": client_reference_id,
            "metadata": metadata or {},
        }  # fmt: skip
        status, body, _headers = self.handle(
            "POST", "/v1/checkout/sessions", params, {"authorization": f"Bearer {self.api_key}"}
        )
        if status != 200:
            raise StripeFailure(status, body["error"]["message"])
        return body

    def pay(self, session_id, *, notify=True):
        """The customer pays by card: the session completes, paid. Returns the session."""
        with self.lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise StripeFailure(400, f"Session is {session['status']}, it cannot be paid.")
            self._charge(session, succeeded=True)
            session["status"], session["payment_status"] = "complete", "paid"
        if notify:
            self._notify("checkout.session.completed", session_id)
        return self.session(session_id)

    def start_async_payment(self, session_id, *, notify=True):
        """A delayed payment method (bank debit): the session completes, still unpaid."""
        with self.lock:
            session = self._session(session_id)
            self._charge(session, succeeded=False)
            session["status"], session["payment_status"] = "complete", "unpaid"
        if notify:
            self._notify("checkout.session.completed", session_id)
        return self.session(session_id)

    def finish_async_payment(self, session_id, *, succeeded, notify=True):
        with self.lock:
            session = self._session(session_id)
            intent = self.payment_intents[session["payment_intent"]]
            charge = self.charges[intent["latest_charge"]]
            if succeeded:
                session["payment_status"] = "paid"
                intent["status"], charge["status"], charge["paid"] = "succeeded", "succeeded", True
            else:
                intent["status"], charge["status"] = "requires_payment_method", "failed"
        kind = "succeeded" if succeeded else "failed"
        if notify:
            self._notify(f"checkout.session.async_payment_{kind}", session_id)
        return self.session(session_id)

    def expire(self, session_id, *, notify=True):
        with self.lock:
            self._expire(session_id)
        if notify:
            self._notify("checkout.session.expired", session_id)
        return self.session(session_id)

    def refund(self, session_id, *, amount=None, notify=True):
        """A refund made outside Summit (the Stripe dashboard). Returns the refund."""
        with self.lock:
            session = self._session(session_id)
            charge = self.charges[self.payment_intents[session["payment_intent"]]["latest_charge"]]
            refund = self._refund_charge(charge, amount or charge["amount"] - charge["amount_refunded"])
        if notify:
            self._notify("charge.refunded", charge["id"])
        return refund

    def session(self, session_id, *, expand=()):
        with self.lock:
            return self._render_session(self._session(session_id), list(expand))

    def charge_for(self, session_id):
        with self.lock:
            intent = self.payment_intents[self._session(session_id)["payment_intent"]]
            return dict(self.charges[intent["latest_charge"]])

    def _charge(self, session, *, succeeded):
        pi_id, ch_id = _new_id("pi"), _new_id("ch")
        self.payment_intents[pi_id] = {
            "id": pi_id,
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": session["amount_total"] if succeeded else 0,
            "currency": session["currency"],
            "latest_charge": ch_id,
            "status": "succeeded" if succeeded else "processing",
        }
        self.charges[ch_id] = {
            "id": ch_id,
            "object": "charge",
            "amount": session["amount_total"],
            "amount_refunded": 0,
            "currency": session["currency"],
            "paid": succeeded,
            "payment_intent": pi_id,
            "refunded": False,
            "status": "succeeded" if succeeded else "pending",
        }
        session["payment_intent"] = pi_id

    # -- webhooks --------------------------------------------------------------------------

    def event(self, type, obj):
        """An Event as Stripe delivers it (snapshot payload)."""
        return {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type,
        }

    def event_for(self, type, object_id):
        """An event of `type` carrying the current snapshot of the session or charge `object_id`."""
        with self.lock:
            if object_id.startswith("ch_"):
                obj = dict(self.charges[object_id])
            else:
                obj = self._render_session(self._session(object_id), [])
        return self.event(type, obj)

    def signature_header(self, payload, *, timestamp=None, secret=None):
        timestamp = self.now() if timestamp is None else timestamp
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8")
        signed = f"{timestamp}.{payload}".encode()
        digest = hmac.new((secret or self.webhook_secret).encode(), signed, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    def payload(self, event):
        return json.dumps(event, indent=2)  # Stripe sends pretty-printed JSON

    def send_webhook(self, client, event, *, path="/webhooks/stripe/", timestamp=None, secret=None):
        """POST a signed event through a Django test client; returns the response."""
        body = self.payload(event)
        header = self.signature_header(body, timestamp=timestamp, secret=secret)
        return client.post(path, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)

    def post_webhook(self, url, event):
        """POST a signed event to a live server URL; returns (status, body)."""
        body = self.payload(event).encode()
        request = urllib.request.Request(  # noqa: S310 - a URL the test or demo gave us
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": self.signature_header(body)},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def _notify(self, type, object_id):
        if self.webhook_url:
            self.post_webhook(self.webhook_url, self.event_for(type, object_id))


class _Handler(BaseHTTPRequestHandler):
    stripe: FakeStripe
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def _params(self):
        parsed = urlsplit(self.path)
        pairs = parse_qsl(parsed.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            pairs += parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
        return parsed.path, decode_form(pairs)

    def _answer(self, status, body, headers=None, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _dispatch(self, method):
        path, params = self._params()
        if path.startswith("/c/pay/"):
            return self._hosted_page(method, path.rsplit("/", 1)[-1])
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, body, extra = self.stripe.handle(method, path, params, headers)
        self._answer(status, body, extra)

    def _hosted_page(self, method, session_id):
        """A bare stand-in for Stripe's hosted Checkout page (demo use): a Pay button."""
        session = self.stripe.sessions.get(session_id)
        if session is None:
            return self._answer(404, b"<h1>Not found</h1>", content_type="text/html")
        if method == "POST":
            try:
                self.stripe.pay(session_id)
            except StripeFailure as failure:
                return self._answer(400, str(failure).encode(), content_type="text/plain")
            target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
        page = (
            "<!doctype html><title>Test checkout</title><h1>Test checkout (local Stripe stand-in)</h1>"
            f"<p>Amount: {amount}</p><form method=post><button>Pay</button></form>"
        )
        return self._answer(200, page.encode(), content_type="text/html")

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")


if __name__ == "__main__":  # run standalone for local demos: python tests/stripe_fake.py [webhook_url]
    import sys

    fake = FakeStripe(webhook_url=sys.argv[1] if len(sys.argv) > 1 else None).start()
    print(
        f"STRIPE_API_BASE={fake.url}\nSTRIPE_SECRET_KEY={fake.api_key}\nSTRIPE_WEBHOOK_SECRET={fake.webhook_secret}"
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()
