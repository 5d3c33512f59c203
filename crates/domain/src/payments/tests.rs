use super::*;
use crate::kernel::{Currency, Millis, Money};
use crate::orders::PaymentStatus;

fn ms(s: i64) -> Millis {
    Millis(s * 1000)
}

fn merged(events: &[(Millis, PaymentChange)]) -> PaymentFacts {
    let mut f = PaymentFacts::default();
    for (at, c) in events {
        f.merge(*at, c);
    }
    f
}

/// Every ordering of `events`, by Heap's algorithm.
fn permutations<T: Clone>(events: &[T]) -> Vec<Vec<T>> {
    fn heap<T: Clone>(k: usize, a: &mut Vec<T>, out: &mut Vec<Vec<T>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        heap(k - 1, a, out);
        for i in 0..k - 1 {
            if k.is_multiple_of(2) {
                a.swap(i, k - 1)
            } else {
                a.swap(0, k - 1)
            }
            heap(k - 1, a, out);
        }
    }
    let mut out = Vec::new();
    heap(events.len(), &mut events.to_vec(), &mut out);
    out
}

#[test]
fn any_order_of_arrival_and_any_repeat_ends_in_the_same_facts() {
    let histories = [
        (
            vec![
                (ms(10), PaymentChange::Pending { amount: 4599 }),
                (ms(11), PaymentChange::Failed { reason: "card declined".into() }),
                (ms(12), PaymentChange::Authorised { amount: 4599 }),
                (ms(13), PaymentChange::Captured { amount: 4599 }),
                (ms(20), PaymentChange::Refunded { amount: 1000 }),
            ],
            PaymentState::PartiallyRefunded,
            3599,
        ),
        (
            vec![
                (ms(10), PaymentChange::Pending { amount: 4599 }),
                (ms(10), PaymentChange::Captured { amount: 4599 }),
                (
                    ms(30),
                    PaymentChange::Dispute {
                        status: DisputeStatus::Open,
                        amount: 4599,
                        reason: "fraudulent".into(),
                    },
                ),
                (
                    ms(40),
                    PaymentChange::Dispute {
                        status: DisputeStatus::Won,
                        amount: 4599,
                        reason: "fraudulent".into(),
                    },
                ),
            ],
            PaymentState::Captured,
            4599,
        ),
        (
            vec![
                (ms(10), PaymentChange::Captured { amount: 4599 }),
                (
                    ms(30),
                    PaymentChange::Dispute {
                        status: DisputeStatus::Open,
                        amount: 4599,
                        reason: "fraudulent".into(),
                    },
                ),
                (
                    ms(30),
                    PaymentChange::Dispute {
                        status: DisputeStatus::Lost,
                        amount: 4599,
                        reason: "fraudulent".into(),
                    },
                ),
            ],
            PaymentState::Disputed,
            0,
        ),
        (
            vec![
                (ms(10), PaymentChange::Pending { amount: 4599 }),
                (ms(10), PaymentChange::Failed { reason: "card declined".into() }),
            ],
            PaymentState::Failed,
            0,
        ),
        (
            vec![
                (ms(10), PaymentChange::Authorised { amount: 4599 }),
                (ms(99), PaymentChange::Failed { reason: "cancelled: abandoned".into() }),
            ],
            PaymentState::Failed,
            0,
        ),
    ];
    for (events, state, net) in histories {
        let expected = merged(&events);
        assert_eq!(expected.state(), state, "{events:?}");
        assert_eq!(expected.net_received(), net, "{events:?}");
        for order in permutations(&events) {
            let twice: Vec<_> = order.iter().chain(order.iter()).cloned().collect();
            assert_eq!(merged(&order), expected, "{order:?}");
            assert_eq!(merged(&twice), expected, "a repeat changes nothing: {order:?}");
            // A payment first known by two ids, its events split between them, folds into one.
            for cut in 0..=order.len() {
                let mut kept = merged(&order[..cut]);
                kept.absorb(&merged(&order[cut..]));
                assert_eq!(kept, expected, "absorbed at {cut}: {order:?}");
            }
        }
    }
}

#[test]
fn the_state_follows_the_facts() {
    let cases: [(&[(Millis, PaymentChange)], PaymentState); 7] = [
        (&[], PaymentState::Pending),
        (&[(ms(1), PaymentChange::Pending { amount: 10 })], PaymentState::Pending),
        (&[(ms(1), PaymentChange::Authorised { amount: 10 })], PaymentState::Authorised),
        (&[(ms(1), PaymentChange::Captured { amount: 10 })], PaymentState::Captured),
        (&[(ms(1), PaymentChange::Failed { reason: "x".into() })], PaymentState::Failed),
        (
            &[
                (ms(1), PaymentChange::Captured { amount: 10 }),
                (ms(2), PaymentChange::Refunded { amount: 10 }),
            ],
            PaymentState::Refunded,
        ),
        (
            &[
                (ms(1), PaymentChange::Captured { amount: 10 }),
                (
                    ms(2),
                    PaymentChange::Dispute { status: DisputeStatus::Open, amount: 10, reason: String::new() },
                ),
            ],
            PaymentState::Disputed,
        ),
    ];
    for (events, state) in cases {
        assert_eq!(merged(events).state(), state, "{events:?}");
    }
    for s in PaymentState::ALL {
        assert_eq!(PaymentState::parse(s.as_str()), Some(s));
    }
    assert_eq!(PaymentState::parse("settled"), None);
}

fn gbp(minor: i64) -> Money {
    Money::new(minor, Currency::parse("GBP").unwrap()).unwrap()
}

fn captured(amount: i64) -> PaymentFacts {
    merged(&[(ms(1), PaymentChange::Captured { amount })])
}

#[test]
fn an_order_is_judged_by_what_its_currency_received() {
    let full = captured(4599);
    let part = captured(2000);
    let authorised = merged(&[(ms(1), PaymentChange::Authorised { amount: 4599 })]);
    let refunded = merged(&[
        (ms(1), PaymentChange::Captured { amount: 4599 }),
        (ms(2), PaymentChange::Refunded { amount: 4599 }),
    ]);
    // A partial refund (compensation) leaves the order paid: refunds are counted in their ledger.
    let partly_refunded = merged(&[
        (ms(1), PaymentChange::Captured { amount: 4599 }),
        (ms(2), PaymentChange::Refunded { amount: 1000 }),
    ]);
    let over = captured(5000);
    let disputed = merged(&[
        (ms(1), PaymentChange::Captured { amount: 4599 }),
        (
            ms(2),
            PaymentChange::Dispute { status: DisputeStatus::Open, amount: 4599, reason: "fraudulent".into() },
        ),
    ]);
    let rest = captured(2599);
    let pay = |currency, facts| PaidPayment { reference: "pi_1", currency, facts };
    let cases: Vec<(Vec<PaidPayment>, PaymentStatus, i64, Vec<&str>)> = vec![
        (vec![pay("GBP", &full)], PaymentStatus::Paid, 4599, vec![]),
        (vec![pay("GBP", &part), pay("GBP", &rest)], PaymentStatus::Paid, 4599, vec![]),
        (vec![pay("GBP", &part)], PaymentStatus::PartiallyPaid, 2000, vec!["not_paid"]),
        (vec![], PaymentStatus::Unpaid, 0, vec!["not_paid"]),
        (vec![pay("GBP", &authorised)], PaymentStatus::Authorized, 0, vec!["not_paid"]),
        (vec![pay("GBP", &refunded)], PaymentStatus::Refunded, 4599, vec!["not_paid"]),
        (vec![pay("GBP", &partly_refunded)], PaymentStatus::Paid, 4599, vec![]),
        (vec![pay("GBP", &over)], PaymentStatus::Paid, 5000, vec!["payment_overpaid"]),
        (vec![pay("EUR", &full)], PaymentStatus::Unpaid, 0, vec!["not_paid", "payment_currency_mismatch"]),
        (vec![pay("GBP", &disputed)], PaymentStatus::Paid, 4599, vec!["payment_disputed"]),
    ];
    for (payments, status, paid, codes) in cases {
        let j = judge_order_payment(gbp(4599), &payments);
        assert_eq!(j.status, status, "{payments:?}");
        assert_eq!(j.paid.minor(), paid, "{payments:?}");
        let got: Vec<&str> = j.holds.iter().map(|h| h.code.as_str()).collect();
        assert_eq!(got, codes, "{payments:?}");
        assert!(got.iter().all(|c| PAYMENT_HOLD_CODES.contains(c) && crate::orders::HOLD_CODES.contains(c)));
    }
    let short = judge_order_payment(gbp(4599), &[pay("GBP", &part)]);
    assert!(short.holds[0].message.contains("20.00 of 45.99, 25.99 missing"), "{}", short.holds[0].message);
}

#[test]
fn stripe_events_read_into_changes() {
    let event = |kind: &str, object: serde_json::Value| {
        serde_json::json!({"id": "evt_1", "object": "event", "created": 1_700_000_000, "type": kind, "data": {"object": object}})
            .to_string()
    };
    let pi = |extra: serde_json::Value| {
        let mut o = serde_json::json!({"id": "pi_1", "object": "payment_intent", "amount": 4599, "currency": "gbp", "metadata": {"order_id": "o-1"}});
        o.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        o
    };
    let cases = [
        (
            event("payment_intent.succeeded", pi(serde_json::json!({"amount_received": 4599}))),
            Some(PaymentChange::Captured { amount: 4599 }),
        ),
        (
            event(
                "payment_intent.amount_capturable_updated",
                pi(serde_json::json!({"amount_capturable": 4599})),
            ),
            Some(PaymentChange::Authorised { amount: 4599 }),
        ),
        (
            event(
                "payment_intent.payment_failed",
                pi(serde_json::json!({"last_payment_error": {"message": "Your card was declined."}})),
            ),
            Some(PaymentChange::Failed { reason: "Your card was declined.".into() }),
        ),
        (
            event(
                "charge.refunded",
                serde_json::json!({"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount_refunded": 1000, "currency": "gbp"}),
            ),
            Some(PaymentChange::Refunded { amount: 1000 }),
        ),
        (
            event(
                "charge.dispute.created",
                serde_json::json!({"id": "dp_1", "object": "dispute", "payment_intent": "pi_1", "amount": 4599, "status": "needs_response", "reason": "fraudulent", "currency": "gbp"}),
            ),
            Some(PaymentChange::Dispute {
                status: DisputeStatus::Open,
                amount: 4599,
                reason: "fraudulent".into(),
            }),
        ),
        (
            event(
                "charge.dispute.closed",
                serde_json::json!({"id": "dp_1", "object": "dispute", "payment_intent": "pi_1", "amount": 4599, "status": "lost", "reason": "fraudulent", "currency": "gbp"}),
            ),
            Some(PaymentChange::Dispute {
                status: DisputeStatus::Lost,
                amount: 4599,
                reason: "fraudulent".into(),
            }),
        ),
        (event("customer.created", serde_json::json!({"id": "cus_1", "object": "customer"})), None),
    ];
    for (body, change) in cases {
        let e = stripe_event(body.as_bytes()).unwrap();
        assert_eq!(e.change, change, "{body}");
        assert_eq!(e.at, Millis(1_700_000_000_000));
        if change.is_some() {
            assert_eq!(e.reference, "pi_1", "{body}");
            assert_eq!(e.currency.as_deref(), Some("GBP"));
        }
    }
    let first = stripe_event(cases_first().as_bytes()).unwrap();
    assert_eq!(first.order_hint.as_deref(), Some("o-1"));
    for bad in [
        "",
        "{}",
        r#"{"id":"evt_1","object":"event","type":"x","data":{"object":{}}}"#,
        r#"{"id":"x","object":"event","created":1,"type":"x","data":{"object":{"id":"pi_1"}}}"#,
    ] {
        assert!(stripe_event(bad.as_bytes()).is_err(), "{bad}");
    }
    let negative = event("payment_intent.succeeded", pi(serde_json::json!({"amount_received": -1})));
    assert!(stripe_event(negative.as_bytes()).unwrap_err().contains("amount_received"));
}

fn cases_first() -> String {
    serde_json::json!({"id": "evt_1", "object": "event", "created": 1, "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_1", "object": "payment_intent", "amount_received": 1, "currency": "gbp", "metadata": {"order_id": "o-1"}}}})
    .to_string()
}

/// Stripe's own example objects (`fixtures/payments/stripe/`, from stripe/openapi), one payment
/// told in six events, read into the facts they state, in any order.
#[test]
fn stripes_fixture_events_tell_one_payment() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/payments/stripe");
    let read = |file: &str| stripe_event(&std::fs::read(dir.join(file)).unwrap()).unwrap();
    let expected = [
        ("payment_intent.payment_failed.json", PaymentState::Failed),
        ("payment_intent.amount_capturable_updated.json", PaymentState::Authorised),
        ("payment_intent.succeeded.json", PaymentState::Captured),
        ("charge.refunded.json", PaymentState::PartiallyRefunded),
        ("charge.dispute.created.json", PaymentState::Disputed),
        ("charge.dispute.closed.json", PaymentState::PartiallyRefunded),
    ];
    let mut facts = PaymentFacts::default();
    let mut events = Vec::new();
    for (file, state) in expected {
        let e = read(file);
        assert_eq!(e.reference, "pi_1PgafyB7WZ01zgkWSjxsAJo3", "{file}");
        assert_eq!(e.currency.as_deref(), Some("GBP"), "{file}");
        let change = e.change.clone().unwrap_or_else(|| panic!("{file} is acted on"));
        facts.merge(e.at, &change);
        assert_eq!(facts.state(), state, "after {file}");
        events.push((e.at, change));
    }
    assert_eq!(read("payment_intent.succeeded.json").order_hint.as_deref(), Some("ORDER_ID"));
    assert_eq!((facts.captured, facts.refunded, facts.net_received()), (4599, 1000, 3599));
    for order in permutations(&events) {
        assert_eq!(merged(&order), facts);
    }
}

#[test]
fn only_an_order_held_for_nothing_but_its_payment_gets_its_channels_window() {
    use crate::kernel::FieldError;
    let mut settings = crate::access::TenantSettings::default();
    settings.payment_windows.insert("web".into(), 30);
    let unpaid = FieldError::new("paid_minor", "not_paid", "x");
    let phone = FieldError::new("buyer.phone", "phone_invalid", "x");
    assert_eq!(payment_window_minutes(&settings, "web", std::slice::from_ref(&unpaid)), Some(30));
    assert_eq!(payment_window_minutes(&settings, "shopify", std::slice::from_ref(&unpaid)), None);
    assert_eq!(payment_window_minutes(&settings, "web", &[unpaid, phone]), None);
    assert_eq!(payment_window_minutes(&settings, "web", &[]), None);
    settings.payment_windows.insert("nowhere".into(), 30);
    assert!(settings.validate().unwrap_err().iter().any(|e| e.field == "payment_windows.nowhere"));
    settings.payment_windows = [("web".to_string(), 0)].into();
    assert!(settings.validate().is_err());
}

#[test]
fn a_settlement_with_a_fee_a_missing_payment_and_a_refund_reconciles_to_the_minor_unit() {
    use reconcile::{Finding, KnownPayment, LineKind, SettlementLine, reconcile};
    let line = |n: u32, kind, reference: &str, currency: &str, gross: i64, fee: i64| SettlementLine {
        line_no: n,
        provider_id: format!("txn_{n}"),
        kind,
        reference: reference.into(),
        currency: currency.into(),
        gross,
        fee,
        description: String::new(),
    };
    let lines = [
        line(1, LineKind::Charge, "pi_rec_1", "GBP", 4599, 89),
        line(2, LineKind::Refund, "pi_rec_1", "GBP", -600, 0),
        line(3, LineKind::Refund, "pi_rec_1", "GBP", -400, 0),
        line(4, LineKind::Charge, "pi_rec_missing", "GBP", 1250, 38),
        line(5, LineKind::Fee, "", "GBP", -500, 0),
        line(6, LineKind::Charge, "pi_rec_short", "GBP", 2000, 50),
        line(7, LineKind::Charge, "pi_rec_eur", "EUR", 3000, 60),
        line(8, LineKind::Payout, "", "GBP", -4000, 0),
    ];
    let known = |id: &str, reference: &str, currency: &str, captured, refunded| KnownPayment {
        id: id.into(),
        order_id: Some(format!("order-{id}")),
        reference: reference.into(),
        currency: currency.into(),
        captured,
        refunded,
    };
    let payments = [
        known("p1", "pi_rec_1", "GBP", 4599, 1000),
        known("p2", "pi_rec_short", "GBP", 2100, 0),
        known("p3", "pi_rec_eur", "GBP", 3000, 0),
        known("p4", "pi_rec_unsettled", "GBP", 999, 0),
        known("p5", "pi_rec_failed", "GBP", 0, 0),
    ];
    let got = reconcile(&lines, &payments);
    let find = |reference: &str| {
        got.iter().find(|r| r.reference == reference).unwrap_or_else(|| panic!("{reference}"))
    };
    let r = find("pi_rec_1");
    assert_eq!(
        (r.finding, r.line_nos.clone(), r.difference(), r.fee),
        (Finding::Matched, vec![1, 2, 3], 0, 89)
    );
    assert_eq!(r.order_id.as_deref(), Some("order-p1"));
    let r = find("pi_rec_missing");
    assert_eq!((r.finding, r.difference(), r.payment_id.clone()), (Finding::MissingInTradeport, 1250, None));
    let r = find("txn_5");
    assert_eq!((r.finding, r.fee), (Finding::Fee, 500));
    let r = find("pi_rec_short");
    assert_eq!((r.finding, r.difference()), (Finding::AmountDiffers, -100));
    assert_eq!(find("pi_rec_eur").finding, Finding::CurrencyDiffers);
    let r = find("pi_rec_unsettled");
    assert_eq!((r.finding, r.difference()), (Finding::MissingInReport, -999));
    assert_eq!(find("txn_8").finding, Finding::NotReconciled);
    assert!(got.iter().all(|r| r.reference != "pi_rec_failed"), "nothing captured, nothing to settle");
    assert_eq!(got.len(), 7);
    // The order of the lines does not matter.
    let mut reversed = lines.to_vec();
    reversed.reverse();
    let mut again: Vec<_> = reconcile(&reversed, &payments)
        .into_iter()
        .map(|r| (r.difference(), r.reference, r.finding, r.fee))
        .collect();
    let mut first: Vec<_> =
        got.into_iter().map(|r| (r.difference(), r.reference, r.finding, r.fee)).collect();
    again.sort();
    first.sort();
    assert_eq!(again, first);
}

#[test]
fn stripes_itemized_report_reads_into_settlement_lines() {
    use reconcile::LineKind;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/payments/settlement");
    let text = std::fs::read_to_string(dir.join("stripe_balance_transactions.csv")).unwrap();
    let mut rows = text.lines().map(|l| l.split(',').map(String::from).collect::<Vec<_>>());
    let columns = stripe_report_columns(&rows.next().unwrap()).unwrap();
    let lines: Vec<_> =
        rows.enumerate().map(|(n, r)| stripe_report_line(&columns, &r, n as u32 + 1).unwrap()).collect();
    let got: Vec<(LineKind, &str, i64, i64)> =
        lines.iter().map(|l| (l.kind, l.reference.as_str(), l.gross, l.fee)).collect();
    assert_eq!(
        got,
        [
            (LineKind::Charge, "pi_rec_1", 4599, 89),
            (LineKind::Refund, "pi_rec_1", -1000, 0),
            (LineKind::Charge, "pi_rec_missing", 2000, 50),
            (LineKind::Fee, "", -120, 0),
        ]
    );
    assert!(lines.iter().all(|l| l.currency == "GBP"));
    let missing = stripe_report_columns(&["id".to_string(), "gross".to_string()]).unwrap_err();
    assert!(missing.message.contains("payment_intent_id"), "{}", missing.message);
    let bad = stripe_report_line(
        &columns,
        &["txn_1".into(), "".into(), "".into(), "gbp".into(), "4,5.999".into()],
        7,
    );
    assert!(bad.unwrap_err().message.starts_with("line 7: gross"));
}
