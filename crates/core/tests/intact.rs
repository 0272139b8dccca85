//! The Kasting/Nitsche/Dancik intact-skin model against the NIOSH calculator's recorded outputs
//! and worked values from its equations, and the settings that change it.

mod common;

use common::kb;
use microneedling_core::setting::person_skin;
use microneedling_core::skin::Sex;
use microneedling_core::transport::{
    DeliveryRequest, Dose, GroupKind, Hydration, Preparation, Solute, Volatility, simulate,
};

fn within(computed: f64, expected: f64, relative: f64) -> bool {
    (computed - expected).abs() <= relative * expected.abs()
}

/// Caffeine as the calculator's reference case enters it: Schroeder volume 182 cm³/mol, an acid
/// pKa of 14 and a base pKa of 0.6 (neutral at skin pH, binding by the acid relation).
fn caffeine() -> Solute {
    Solute::new(194.19, -0.07)
        .and_then(|s| s.with_molar_volume(182.0))
        .and_then(|s| s.with_group(14.0, GroupKind::Acid))
        .and_then(|s| s.with_group(0.6, GroupKind::Base))
        .expect("caffeine")
}

#[test]
fn caffeine_matches_the_calculators_recorded_output() {
    // Recorded outputs of the CDC calculator for caffeine, partially hydrated, in vivo
    // [@niosh-calculator-port]: D_sc 1.76e-12 cm²/s, K_sc/w 4.28, D_ve 1.80e-6 cm²/s,
    // K_ve 0.75, fu 0.55, h²/D 282.34 h.
    let t = &kb().transport;
    let sc = t.stratum_corneum(&caffeine(), Hydration::Partial);
    assert!(within(sc.diffusivity_cm2_per_s, 1.76e-12, 0.01), "{sc:?}");
    assert!(within(sc.partition, 4.28, 0.005));
    let h_cm = 13.365e-4;
    assert!(within(
        h_cm * h_cm / sc.diffusivity_cm2_per_s / 3600.0,
        282.34,
        0.01
    ));
    let p = t.solute_properties(&caffeine(), Hydration::Partial, Preparation::InVivo);
    assert!(within(p.fraction_unbound, 0.55, 0.01));
    assert!(within(
        p.viable_epidermis.diffusivity_um2_per_s * 1e-8,
        1.80e-6,
        0.01
    ));
    assert!(within(p.viable_epidermis.partition, 0.7548, 0.001));
}

#[test]
fn worked_values_of_the_equations_hold_for_both_hydration_states() {
    // Worked by hand from the calculator's equations (docs/transport.md): testosterone
    // (MW 288.42, log Kow 3.32, Va 329) and caffeine, kp of the reference stratum corneum.
    let t = &kb().transport;
    let testosterone = Solute::new(288.42, 3.32)
        .and_then(|s| s.with_molar_volume(329.0))
        .expect("testosterone");
    let cases = [
        (testosterone, Hydration::Partial, 51.87, 2.778e-3),
        (testosterone, Hydration::Full, 18.51, 8.595e-3),
        (caffeine(), Hydration::Partial, 4.278, 2.025e-5),
        (caffeine(), Hydration::Full, 2.116, 6.562e-5),
    ];
    for (solute, hydration, partition, kp_cm_per_h) in cases {
        let sc = t.stratum_corneum(&solute, hydration);
        assert!(
            within(sc.partition, partition, 0.002),
            "{hydration:?} {sc:?}"
        );
        assert!(
            within(sc.kp_cm_per_s * 3600.0, kp_cm_per_h, 0.005),
            "{hydration:?} {sc:?}"
        );
    }
}

fn request(solute: Solute, dose: Dose, preparation: Preparation) -> DeliveryRequest {
    let skin = person_skin(kb(), "forearm", Sex::Female, None)
        .or_else(|_| person_skin(kb(), "cheek", Sex::Female, None))
        .expect("skin");
    DeliveryRequest::intact_builder("test", solute, skin)
        .dose(dose)
        .preparation(preparation)
        .hours(24.0)
        .build()
        .expect("request")
}

#[test]
fn in_vitro_has_no_blood_clearance_and_in_vivo_does() {
    let t = &kb().transport;
    let vivo = t.solute_properties(&caffeine(), Hydration::Partial, Preparation::InVivo);
    let vitro = t.solute_properties(&caffeine(), Hydration::Partial, Preparation::InVitro);
    assert!(vivo.dermis.clearance_per_s > 0.0);
    assert_eq!(vitro.dermis.clearance_per_s, 0.0);
    let dose = Dose::Infinite { mg_per_ml: 10.0 };
    let d = simulate(t, &request(caffeine(), dose, Preparation::InVitro));
    let end = d.intact_ug_per_cm2.last().expect("end");
    assert!(end.blood > 0.0, "the receptor collects what crosses");
}

#[test]
fn a_saturated_dose_does_not_deliver_more_when_doubled() {
    let benzoic = Solute::new(122.12, 1.87)
        .and_then(|s| s.with_group(4.2, GroupKind::Acid))
        .and_then(|s| s.with_solubility(3.4))
        .expect("benzoic acid");
    let absorbed = |ug_per_cm2: f64| {
        let d = simulate(
            &kb().transport,
            &request(benzoic, Dose::Finite { ug_per_cm2 }, Preparation::InVivo),
        );
        d.intact_ug_per_cm2.last().expect("end").absorbed
    };
    let (once, twice) = (absorbed(2000.0), absorbed(4000.0));
    assert!(
        once > 0.0 && (twice - once).abs() / once < 1e-6,
        "{once} vs {twice}"
    );
}

#[test]
fn a_volatile_agent_loses_mass_to_the_air() {
    let base = Solute::new(162.23, 1.17)
        .and_then(|s| s.with_solubility(1000.0))
        .expect("agent");
    let volatile = base
        .with_volatility(Volatility::VapourPressure { pa: 5.0 })
        .expect("volatile");
    let dose = Dose::Finite { ug_per_cm2: 100.0 };
    let still = simulate(&kb().transport, &request(base, dose, Preparation::InVivo));
    let gone = simulate(
        &kb().transport,
        &request(volatile, dose, Preparation::InVivo),
    );
    let evaporated = gone.intact.evaporated_pct_of_dose.expect("finite");
    assert!(evaporated > 1.0, "{evaporated} %");
    assert_eq!(still.intact.evaporated_pct_of_dose, Some(0.0));
    let total: f64 = [
        gone.intact.absorbed_pct_of_dose,
        gone.intact.stratum_corneum_pct_of_dose,
        gone.intact.evaporated_pct_of_dose,
        gone.intact.surface_pct_of_dose,
    ]
    .iter()
    .flatten()
    .sum();
    assert!((total - 100.0).abs() < 1e-6, "{total}");
    // A boiling point gives a vapour pressure by Mackay's method: nicotine (247 °C, liquid).
    let pa = microneedling_core::transport::vapour_pressure_pa(
        &kb().transport,
        Volatility::BoilingPoint {
            boiling_point_c: 247.0,
            melting_point_c: Some(-79.0),
        },
    );
    assert!(pa > 1.0 && pa < 100.0, "{pa} Pa");
}
