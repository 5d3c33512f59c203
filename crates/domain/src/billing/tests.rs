use super::*;

fn fees() -> FeeSchedule {
    FeeSchedule {
        currency: "GBP".into(),
        inbound_per_carton_minor: 150,
        inbound_per_pallet_minor: 1_200,
        storage_basis: StorageBasis::CubicMetre,
        pallet_volume_l: 1_000,
        storage_tiers: vec![
            StorageTier { from_day: 0, per_unit_day_minor: 45 },
            StorageTier { from_day: 31, per_unit_day_minor: 90 },
        ],
        pick_pack_per_order_minor: 120,
        pick_pack_per_extra_item_minor: 30,
        packaging_minor: [("M".to_string(), 40)].into(),
        label_per_parcel_minor: 10,
        return_per_parcel_minor: 250,
        disposal_per_return_minor: 100,
        carrier_markup_bp: 750,
    }
}

fn counted(reference: &str, count: i64) -> Counted {
    Counted { reference: reference.into(), count }
}

fn facts() -> Facts {
    let day = |d: &str, volumes: Vec<(i64, i64)>| StockDay { day: d.into(), volumes };
    Facts {
        cartons: vec![counted("ASN-1", 10), counted("ASN-2", 4)],
        pallets: vec![counted("ASN-1", 2)],
        stock: vec![
            day("2026-10-01", vec![(5, 2_000_000), (40, 500_000)]),
            day("2026-10-02", vec![(6, 2_000_000), (41, 500_000)]),
            day("2026-10-03", vec![(7, 1_500_000)]),
        ],
        orders_packed: vec![counted("O1", 1), counted("O2", 3)],
        boxes: vec![("P1".into(), "M".into()), ("P2".into(), "M".into()), ("P3".into(), "S".into())],
        labels: vec!["T1".into(), "T2".into(), "T3".into()],
        carrier: vec![
            CarrierCharge { reference: "T1".into(), price_minor: 500, currency: "GBP".into() },
            CarrierCharge { reference: "T2".into(), price_minor: 333, currency: "GBP".into() },
            CarrierCharge { reference: "T3".into(), price_minor: 1_000, currency: "USD".into() },
        ],
        returns: vec!["RMA-1".into()],
        disposals: vec!["RMA-1".into()],
    }
}

#[test]
fn a_month_of_known_facts_costs_the_hand_computed_amount_line_by_line() {
    let lines = charge(&fees(), &facts());
    let got: Vec<(ChargeKind, &str, i64, &str)> =
        lines.iter().map(|l| (l.kind, l.quantity.as_str(), l.amount_minor, l.currency.as_str())).collect();
    use ChargeKind::*;
    assert_eq!(
        got,
        vec![
            (InboundCarton, "14", 2_100, "GBP"), // (10 + 4) × 1.50
            (InboundPallet, "2", 2_400, "GBP"),  // 2 × 12.00
            // 2 + 2 + 1.5 m³ aged under 31 days = 5.5 m³·days × 0.45 = 2.475 → 2.48
            (Storage, "5.500 m³·days", 248, "GBP"),
            // 0.5 m³ aged 40 and 41 days = 1 m³·day × 0.90
            (Storage, "1.000 m³·days", 90, "GBP"),
            (PickPackOrder, "2", 240, "GBP"),    // 2 × 1.20
            (PickPackExtraItem, "2", 60, "GBP"), // O2's 2 units after the first × 0.30
            (Packaging, "2", 80, "GBP"),         // 2 box M × 0.40; box S has no price
            (Label, "3", 30, "GBP"),             // 3 × 0.10
            (Carrier, "2", 895, "GBP"),          // 5.00 + 3.33 = 8.33, + 7.5% = 0.62475 → 0.62
            (Carrier, "1", 1_075, "USD"),        // 10.00 + 0.75, in the carrier's currency
            (ReturnHandling, "1", 250, "GBP"),
            (Disposal, "1", 100, "GBP"),
        ]
    );
    assert_eq!(totals(&lines), vec![("GBP".to_string(), 6_493), ("USD".to_string(), 1_075)]);
    let extra = lines.iter().find(|l| l.kind == PickPackExtraItem).unwrap();
    assert_eq!(extra.sources, ["O2"], "each line names the facts it charges");
    assert_eq!(lines[2].sources, ["2026-10-01", "2026-10-02", "2026-10-03"]);
    assert_eq!(lines[8].sources, ["T1", "T2"]);
    assert_eq!(charge(&fees(), &facts()), lines, "the same facts, the same lines");
    assert!(charge(&fees(), &Facts::default()).is_empty(), "nothing happened, nothing charged");
}

#[test]
fn storage_by_the_pallet_counts_whole_pallets_each_day() {
    let f = FeeSchedule {
        storage_basis: StorageBasis::Pallet,
        storage_tiers: vec![StorageTier { from_day: 0, per_unit_day_minor: 200 }],
        ..fees()
    };
    let stock = vec![
        StockDay { day: "d1".into(), volumes: vec![(1, 2_500_000)] }, // 2.5 m³ → 3 pallets of 1 m³
        StockDay { day: "d2".into(), volumes: vec![(2, 1_000_000)] }, // exactly 1
        StockDay { day: "d3".into(), volumes: vec![(3, 1)] },         // a little → 1
    ];
    let lines = charge(&f, &Facts { stock, ..Facts::default() });
    assert_eq!((lines[0].quantity.as_str(), lines[0].amount_minor), ("5 pallet·days", 1_000));
}

#[test]
fn a_pallet_shared_by_two_age_tiers_counts_once_in_the_older() {
    let f = FeeSchedule { storage_basis: StorageBasis::Pallet, ..fees() }; // tiers from day 0 and 31
    let stock = vec![
        // Half a pallet young and half old: one pallet, in the old tier (before: one in each).
        StockDay { day: "d1".into(), volumes: vec![(5, 500_000), (40, 500_000)] },
        // 1.2 young and 0.5 old: two pallets, one old (the old half topped up with young goods).
        StockDay { day: "d2".into(), volumes: vec![(6, 1_200_000), (41, 500_000)] },
        // Only young goods: whole pallets of them.
        StockDay { day: "d3".into(), volumes: vec![(7, 1_500_000)] },
    ];
    let lines = charge(&f, &Facts { stock, ..Facts::default() });
    let storage: Vec<(&str, i64)> = lines
        .iter()
        .filter(|l| l.kind == ChargeKind::Storage)
        .map(|l| (l.quantity.as_str(), l.amount_minor))
        .collect();
    // Young: d1 1 - 1 = 0, d2 2 - 1 = 1, d3 2; old: d1 1, d2 1.
    assert_eq!(storage, [("3 pallet·days", 3 * 45), ("2 pallet·days", 2 * 90)]);
}

#[test]
fn rounding_is_half_away_from_zero_once_per_line() {
    assert_eq!(scaled(5_500_000, 45, 1_000_000), 248);
    assert_eq!(scaled(5_400_000, 45, 1_000_000), 243);
    assert_eq!(scaled(-833, 750, 10_000), -62);
    assert_eq!(scaled(1, 1, 2), 1);
    assert_eq!(scaled(-1, 1, 2), -1);
}

#[test]
fn a_quote_prices_expected_volumes_like_a_statement() {
    let v = ExpectedVolumes {
        cartons_in: 50,
        pallets_in: 0,
        stored_m3: 10,
        stock_age_days: 10,
        days: 30,
        orders: 100,
        units_per_order: 2,
        box_code: "M".into(),
        carrier_per_parcel_minor: 500,
        returns: 3,
        disposals: 0,
    };
    let lines = quote(&fees(), &v);
    let amounts: Vec<(ChargeKind, i64)> = lines.iter().map(|l| (l.kind, l.amount_minor)).collect();
    use ChargeKind::*;
    assert_eq!(
        amounts,
        vec![
            (InboundCarton, 7_500),     // 50 × 1.50
            (Storage, 13_500),          // 10 m³ × 30 days × 0.45
            (PickPackOrder, 12_000),    // 100 × 1.20
            (PickPackExtraItem, 3_000), // 100 × 1 × 0.30
            (Packaging, 4_000),         // 100 × 0.40
            (Label, 1_000),             // 100 × 0.10
            (Carrier, 53_750),          // 100 × 5.00 + 7.5%
            (ReturnHandling, 750),      // 3 × 2.50
        ]
    );
    assert!(lines.iter().all(|l| l.sources.is_empty()));
}

#[test]
fn a_schedule_names_each_wrong_field() {
    assert_eq!(fees().validate(""), Ok(()));
    let cases: Vec<(FeeSchedule, &str)> = vec![
        (FeeSchedule { currency: "gbp".into(), ..fees() }, "currency"),
        (FeeSchedule { label_per_parcel_minor: -1, ..fees() }, "label_per_parcel_minor"),
        (FeeSchedule { carrier_markup_bp: 20_000, ..fees() }, "carrier_markup_bp"),
        (FeeSchedule { pallet_volume_l: 0, ..fees() }, "pallet_volume_l"),
        (
            FeeSchedule {
                storage_tiers: vec![StorageTier { from_day: 31, per_unit_day_minor: 1 }],
                ..fees()
            },
            "storage_tiers",
        ),
        (FeeSchedule { packaging_minor: [("L".to_string(), -5)].into(), ..fees() }, "packaging_minor.L"),
    ];
    for (f, field) in cases {
        let errors = f.validate("fees.").unwrap_err();
        assert_eq!(errors[0].field, format!("fees.{field}"), "{errors:?}");
    }
}
