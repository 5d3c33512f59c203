//! PayPal's and Alipay's events read into payment changes, and PayPal's settlement report read.

use super::*;
use crate::kernel::Millis;

fn paypal(v: serde_json::Value) -> PaymentEvent {
    paypal_event(v.to_string().as_bytes()).unwrap()
}

fn envelope(kind: &str, resource_type: &str, resource: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"id": "WH-1", "event_type": kind, "resource_type": resource_type,
                       "create_time": "2026-11-27T01:00:00.000Z", "resource": resource})
}

/// PayPal's own simulator deliveries (`fixtures/payments/paypal/signature_vectors.json`), as PayPal
/// sent and signed them.
#[test]
fn paypals_simulator_events_read_into_changes_of_their_capture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/payments/paypal");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("signature_vectors.json")).unwrap()).unwrap();
    let read: Vec<(String, String, Option<String>, Option<PaymentChange>)> = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["event_type"].as_str().unwrap().starts_with("PAYMENT.CAPTURE."))
        .map(|v| {
            let e = paypal_event(v["body"].as_str().unwrap().as_bytes()).unwrap();
            assert_eq!(e.currency.as_deref(), Some("USD"), "{e:?}");
            (e.event_type, e.reference, e.alias, e.change)
        })
        .collect();
    let by_type =
        |t: &str| read.iter().find(|r| r.0 == t).cloned().unwrap_or_else(|| panic!("{t}: {read:?}"));
    let completed = by_type("PAYMENT.CAPTURE.COMPLETED");
    assert_eq!(
        (completed.1.as_str(), completed.2.as_deref(), completed.3),
        ("12A34567BC123456S", Some("1AB234567A1234567"), Some(PaymentChange::Captured { amount: 3000 }))
    );
    let refunded = by_type("PAYMENT.CAPTURE.REFUNDED");
    assert_eq!(
        (refunded.1.as_str(), refunded.3),
        ("0JF852973C016714D", Some(PaymentChange::Refunded { amount: 198 })),
        "the capture's refunds so far, from its up link"
    );
    assert!(matches!(by_type("PAYMENT.CAPTURE.DECLINED").3, Some(PaymentChange::Failed { .. })));
    assert_eq!(by_type("PAYMENT.CAPTURE.PENDING").3, Some(PaymentChange::Pending { amount: 251 }));
    assert!(matches!(by_type("PAYMENT.CAPTURE.REVERSED").3, Some(PaymentChange::Refunded { .. })));
}

#[test]
fn paypal_orders_and_disputes_read_and_anything_else_is_kept_without_a_change() {
    let money = serde_json::json!({"currency_code": "JPY", "value": "1200"});
    let approved = paypal(envelope(
        "CHECKOUT.ORDER.APPROVED",
        "checkout-order",
        serde_json::json!({"id": "ORDER1", "status": "APPROVED", "purchase_units": [{"custom_id": "o-1", "amount": money}]}),
    ));
    assert_eq!(
        (approved.reference.as_str(), approved.order_hint.as_deref(), approved.change),
        ("ORDER1", Some("o-1"), Some(PaymentChange::Authorised { amount: 1200 }))
    );
    let completed = paypal(envelope(
        "CHECKOUT.ORDER.COMPLETED",
        "checkout-order",
        serde_json::json!({"id": "ORDER1", "status": "COMPLETED", "purchase_units": [{"amount": money,
            "payments": {"captures": [{"id": "CAP1", "status": "COMPLETED", "amount": money}]}}]}),
    ));
    assert_eq!(
        (completed.reference.as_str(), completed.alias.as_deref(), completed.change),
        ("CAP1", Some("ORDER1"), Some(PaymentChange::Captured { amount: 1200 }))
    );
    let dispute = |status: &str, outcome: &str| {
        paypal(envelope(
            "CUSTOMER.DISPUTE.UPDATED",
            "dispute",
            serde_json::json!({"dispute_id": "PP-D-1", "reason": "UNAUTHORISED", "status": status,
                "dispute_amount": {"currency_code": "USD", "value": "3.00"}, "dispute_outcome": {"outcome_code": outcome},
                "disputed_transactions": [{"seller_transaction_id": "CAP9"}]}),
        ))
    };
    for (status, outcome, expected) in [
        ("OPEN", "", DisputeStatus::Open),
        ("UNDER_REVIEW", "NONE", DisputeStatus::Open),
        ("RESOLVED", "RESOLVED_SELLER_FAVOUR", DisputeStatus::Won),
        ("RESOLVED", "CANCELED_BY_BUYER", DisputeStatus::Won),
        ("RESOLVED", "RESOLVED_BUYER_FAVOUR", DisputeStatus::Lost),
        ("RESOLVED", "ACCEPTED", DisputeStatus::Lost),
    ] {
        let e = dispute(status, outcome);
        assert_eq!(e.reference, "CAP9");
        assert_eq!(
            e.change,
            Some(PaymentChange::Dispute { status: expected, amount: 300, reason: "UNAUTHORISED".into() }),
            "{status} {outcome}"
        );
    }
    let other = paypal(envelope("BILLING.PLAN.CREATED", "plan", serde_json::json!({"id": "P-1"})));
    assert_eq!(other.change, None);
    assert!(paypal_event(b"{\"id\": \"evt_1\", \"event_type\": \"x\"}").is_err(), "not PayPal's");
    let bad_amount = envelope(
        "PAYMENT.CAPTURE.COMPLETED",
        "capture",
        serde_json::json!({"id": "C", "amount": {"currency_code": "USD", "value": "1.234"}}),
    );
    assert!(paypal_event(bad_amount.to_string().as_bytes()).unwrap_err().contains("1.234"));
}

fn alipay(v: serde_json::Value) -> PaymentEvent {
    alipay_event(v.to_string().as_bytes(), Millis(7)).unwrap()
}

#[test]
fn alipay_notifications_read_into_changes_and_a_resend_is_the_same_event() {
    let ok = serde_json::json!({"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"});
    let paid = serde_json::json!({"notifyType": "PAYMENT_RESULT", "result": ok, "paymentRequestId": "R1",
        "paymentId": "P1", "paymentAmount": {"currency": "USD", "value": "1000"}, "paymentTime": "2024-05-28T12:12:10+08:00"});
    let e = alipay(paid.clone());
    assert_eq!(
        (e.reference.as_str(), e.alias.as_deref(), e.currency.as_deref(), e.change.clone()),
        ("R1", Some("P1"), Some("USD"), Some(PaymentChange::Captured { amount: 1000 }))
    );
    assert_eq!(e.at, Millis(1_716_869_530_000));
    assert_eq!(alipay(paid).event_id, e.event_id, "a resend is the same event");
    let failed = alipay(serde_json::json!({"notifyType": "PAYMENT_RESULT", "paymentRequestId": "R1",
        "result": {"resultCode": "USER_BALANCE_NOT_ENOUGH", "resultStatus": "F", "resultMessage": "balance"}}));
    assert!(
        matches!(failed.change, Some(PaymentChange::Failed { reason }) if reason.contains("USER_BALANCE_NOT_ENOUGH"))
    );
    assert_eq!(failed.at, Millis(7), "no time in the body: when it arrived");
    let refund = |request: &str, status: &str| {
        alipay(serde_json::json!({"notifyType": "REFUND_RESULT", "result": ok, "refundStatus": status,
            "refundRequestId": request, "refundId": "F1", "refundAmount": {"currency": "USD", "value": "400"}}))
    };
    let asked = alipay_refund_request_id("R1", "01a21aa1-fec6-7511-a57f-42abb69987ec");
    assert_eq!(asked, "R1-tpra57f42abb69987ec", "{asked}");
    assert_eq!(
        refund("ORDER-r1", "SUCCESS").change,
        None,
        "a console refund id is not taken for Tradeport's"
    );
    let done = refund(&asked, "SUCCESS");
    assert_eq!(
        (done.reference.as_str(), done.change),
        ("R1", Some(PaymentChange::RefundedPart { refund_id: "F1".into(), amount: 400 }))
    );
    assert_eq!(refund(&asked, "FAIL").change, None);
    assert_eq!(
        refund("made-in-alipays-console", "SUCCESS").change,
        None,
        "not Tradeport's: kept, not acted on"
    );
    let dispute = |kind: &str, judged: &str| {
        alipay(serde_json::json!({"disputeId": "D1", "paymentRequestId": "R1", "paymentId": "P1",
            "disputeNotificationType": kind, "disputeJudgedResult": judged, "disputeAmount": {"currency": "USD", "value": "1000"}}))
        .change
    };
    let status = |c: Option<PaymentChange>| match c {
        Some(PaymentChange::Dispute { status, amount: 1000, .. }) => status,
        other => panic!("{other:?}"),
    };
    assert_eq!(status(dispute("DISPUTE_CREATED", "")), DisputeStatus::Open);
    assert_eq!(status(dispute("DEFENSE_SUPPLIED", "")), DisputeStatus::Open);
    assert_eq!(status(dispute("DISPUTE_JUDGED", "VALIDATE_FAIL")), DisputeStatus::Won);
    assert_eq!(status(dispute("DISPUTE_JUDGED", "ACCEPT_BY_MERCHANT")), DisputeStatus::Lost);
    assert_eq!(status(dispute("DISPUTE_CANCELLED", "")), DisputeStatus::Won);
    assert!(alipay_event(b"{\"hello\": 1}", Millis(0)).is_err());
    let bad = serde_json::json!({"notifyType": "PAYMENT_RESULT", "paymentAmount": {"currency": "USD", "value": "10.00"}});
    assert!(alipay_event(bad.to_string().as_bytes(), Millis(0)).unwrap_err().contains("minor units"));
}

#[test]
fn refunds_reported_one_by_one_add_up_once_in_any_order() {
    let parts = [
        PaymentChange::RefundedPart { refund_id: "a".into(), amount: 300 },
        PaymentChange::RefundedPart { refund_id: "b".into(), amount: 200 },
        PaymentChange::RefundedPart { refund_id: "a".into(), amount: 300 },
        PaymentChange::Captured { amount: 1000 },
    ];
    let mut ends = std::collections::HashSet::new();
    for order in [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]] {
        let mut f = PaymentFacts::default();
        for i in order {
            f.merge(Millis(1), &parts[i]);
        }
        assert_eq!((f.refunded, f.state()), (500, PaymentState::PartiallyRefunded));
        ends.insert(serde_json::to_string(&f).unwrap());
    }
    assert_eq!(ends.len(), 1, "the same facts whatever the order");
}

/// Splits an STL line whose quoted cells hold no comma (as in the sample).
fn stl_records(text: &str) -> Vec<Vec<String>> {
    text.lines().map(|l| l.split(',').map(|c| c.trim_matches('"').to_string()).collect()).collect()
}

#[test]
fn paypals_settlement_report_reads_into_settlement_lines() {
    use reconcile::LineKind;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/payments/settlement");
    let text = std::fs::read_to_string(dir.join("paypal_stl.csv")).unwrap();
    let lines = paypal_report_lines(&stl_records(&text)).unwrap();
    let got: Vec<(u32, LineKind, &str, &str, i64, i64)> = lines
        .iter()
        .map(|l| (l.line_no, l.kind, l.provider_id.as_str(), l.reference.as_str(), l.gross, l.fee))
        .collect();
    assert_eq!(
        got,
        [
            (5, LineKind::Charge, "1REC0000000000001", "1REC0000000000001", 4599, 89),
            (6, LineKind::Refund, "2REC0000000000002", "1REC0000000000001", -1000, 0),
            (7, LineKind::Charge, "3REC0000000000003", "3REC0000000000003", 2000, 88),
            (8, LineKind::Fee, "4REC0000000000004", "", -500, 0),
        ]
    );
    assert!(lines.iter().all(|l| l.currency == "GBP"));
    assert_eq!(lines[0].description, "T0006 pi_rec_1");
}

#[test]
fn paypal_amounts_are_hundredths_whatever_the_currency_and_old_headers_read() {
    use reconcile::LineKind;
    let header = "CH,TransactionID,InvoiceID,PayPalReferenceID,PayPalReferenceIDType,TransactionEventCode,\
                  Transaction  Debit or Credit,GrossTransactionAmount,GrossTransactionCurrency,FeeDebitOrCredit,FeeAmount";
    let file = format!(
        "RH,x\n{header}\nSB,A1,,,,T0006,CR,120000,JPY,DR,4000\nSB,A2,,,,T0006,CR,1234,BHD,,\n\
         SB,A3,,A1,TXN,T1201,DR,120000,JPY,,\nSB,A4,,,,T0400,DR,999,USD,,\nFF,4"
    );
    let lines = paypal_report_lines(&stl_records(&file)).unwrap();
    let got: Vec<(LineKind, &str, i64, i64)> =
        lines.iter().map(|l| (l.kind, l.reference.as_str(), l.gross, l.fee)).collect();
    assert_eq!(
        got,
        [
            (LineKind::Charge, "A1", 1200, 40),
            (LineKind::Charge, "A2", 12340, 0),
            (LineKind::Dispute, "A1", -1200, 0),
            (LineKind::Payout, "", -999, 0),
        ]
    );
    let yen_cents = format!("{header}\nSB,B1,,,,T0006,CR,12345,JPY,,");
    let refused = paypal_report_lines(&stl_records(&yen_cents)).unwrap_err();
    assert!(
        refused[0].message.starts_with("line 2: Gross Transaction Amount '12345'"),
        "{}",
        refused[0].message
    );
    let no_direction = format!("{header}\nSB,B1,,,,T0006,XX,100,USD,,");
    assert!(paypal_report_lines(&stl_records(&no_direction)).unwrap_err()[0].message.contains("CR or DR"));
    let stripe_file = "balance_transaction_id,currency,gross\ntxn_1,gbp,1.00";
    assert!(paypal_report_lines(&stl_records(stripe_file)).unwrap_err()[0].message.contains("no CH line"));
    let short = "CH,Transaction ID,Gross Transaction Amount";
    assert!(
        paypal_report_lines(&stl_records(short)).unwrap_err()[0].message.contains("Transaction Event Code")
    );
}
