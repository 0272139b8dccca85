//! The healing model: phase timing, dose response, calibration, numerics, outcomes.

mod common;

use common::kb;
use microneedling_core::calibration;
use microneedling_core::healing::{
    Course, HealingRequest, Rates, STEP_DAYS, State, integrate, simulate,
};
use microneedling_core::skin::{Sex, SkinProfile};

/// What `device` at `length_mm` (its default passes) does in a 35-year-old woman's cheek.
fn cheek_penetration(
    device: &microneedling_core::device::Device,
    length_mm: f64,
) -> microneedling_core::penetration::Penetration {
    let kb = kb();
    let skin = SkinProfile::new(
        kb.site("cheek").expect("site"),
        Sex::Female,
        35.0,
        &kb.age_model,
    )
    .expect("skin");
    kb.penetration
        .simulate(device, length_mm, &skin, device.default_passes)
}

fn request(
    device: &str,
    length_mm: f64,
    sessions: u32,
    interval_weeks: u32,
    indication: Option<&str>,
) -> HealingRequest {
    let kb = kb();
    let device = kb.device(device).expect("device");
    let penetration = cheek_penetration(device, length_mm);
    let indication = indication.map(|id| kb.indication(id).expect("indication"));
    HealingRequest::builder(device, &penetration)
        .sessions(sessions)
        .interval_weeks(interval_weeks)
        .months(12)
        .indication(indication)
        .seed(7)
        .samples(400)
        .build()
        .expect("valid request")
}

fn collagen_at_week(h: &microneedling_core::healing::Healing, week: u32) -> f64 {
    h.series
        .iter()
        .find(|p| p.week == week)
        .expect("week in series")
        .new_collagen_pct
}

#[test]
fn phases_follow_the_wound_healing_timeline() {
    let h = simulate(&kb().healing, &request("dermapen", 1.5, 1, 4, None));
    assert!(
        h.peaks.inflammation_day <= 4,
        "inflammation peaks within days: {:?}",
        h.peaks
    );
    assert!(
        (7..=14).contains(&h.peaks.fibroblasts_day),
        "fibroblasts within 1-2 weeks: {:?}",
        h.peaks
    );
    assert!(
        h.peaks.collagen_iii_day < h.peaks.collagen_i_day,
        "collagen III before I: {:?}",
        h.peaks
    );
    // Most of the gain arrives months after the session.
    assert!(collagen_at_week(&h, 4) < 0.5 * collagen_at_week(&h, 13));
}

#[test]
fn more_sessions_give_more_collagen_with_diminishing_returns() {
    let at_6_months = |sessions| {
        collagen_at_week(
            &simulate(
                &kb().healing,
                &request("dermaroller-192", 1.5, sessions, 4, None),
            ),
            26,
        )
    };
    let gains: Vec<f64> = [1, 2, 3, 4, 5, 6].iter().map(|s| at_6_months(*s)).collect();
    for pair in gains.windows(2) {
        assert!(pair[1] > pair[0], "{gains:?}");
    }
    let increments: Vec<f64> = gains.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        increments.last() < increments.first(),
        "diminishing returns: {increments:?}"
    );
}

#[test]
fn a_home_roller_gives_next_to_no_collagen() {
    let home = simulate(
        &kb().healing,
        &request("home-roller", 0.25, 6, 4, Some("rejuvenation")),
    );
    let pro = simulate(
        &kb().healing,
        &request("dermaroller-192", 1.5, 6, 4, Some("rejuvenation")),
    );
    assert!(collagen_at_week(&home, 26) < 0.01 * collagen_at_week(&pro, 26));
    assert!(
        home.warnings
            .iter()
            .any(|w| w.contains("do not reach the dermis"))
    );
}

#[test]
fn rf_adds_thermal_injury() {
    let pen = simulate(&kb().healing, &request("dermapen", 1.5, 3, 4, None));
    let rf = simulate(&kb().healing, &request("rf-insulated", 1.5, 3, 4, None));
    assert!(rf.injury_per_session > rf.injured_dermis_fraction);
    assert!(pen.injury_per_session == pen.injured_dermis_fraction);
}

#[test]
fn intervals_shorter_than_the_plans_minimum_are_flagged() {
    let too_close = simulate(
        &kb().healing,
        &request("dermapen", 1.5, 3, 1, Some("acne-scars")),
    );
    assert!(too_close.warnings.iter().any(|w| w.contains("closer than")));
    let fine = simulate(
        &kb().healing,
        &request("dermapen", 1.5, 3, 4, Some("acne-scars")),
    );
    assert!(!fine.warnings.iter().any(|w| w.contains("closer than")));
}

#[test]
fn the_calibration_table_holds_within_its_tolerances() {
    // Lotfi's collagen figure and the hair map; the collagen outcome coefficient is fitted
    // jointly across trials (tests/outcome_fit.rs).
    let rows = calibration::table(kb());
    assert!(rows.len() >= 2);
    for row in rows {
        assert!(
            row.passed,
            "{}: expected {} ± {}, model {}",
            row.id, row.expected, row.tolerance, row.model
        );
    }
}

#[test]
fn outcomes_have_a_band_or_say_there_is_no_data() {
    let h = simulate(
        &kb().healing,
        &request("skinpen", 1.0, 4, 4, Some("wrinkles")),
    );
    let outcome = &h.outcome;
    assert_eq!(
        outcome.iter().map(|p| p.month).collect::<Vec<_>>(),
        vec![1, 3, 6, 12]
    );
    for p in outcome {
        assert!(p.p10 <= p.median && p.median <= p.p90, "{p:?}");
        assert_eq!(p.scale, "lemperle-wrinkle");
        // Severity scale at the typical baseline: the score is the baseline minus the change.
        let score = p.score.expect("a score from the typical baseline");
        let baseline = h
            .outcome_basis
            .as_ref()
            .and_then(|b| b.baseline)
            .expect("baseline");
        assert!(score.p10 >= 0.0 && score.p90 <= baseline, "{score:?}");
    }
    assert!(
        outcome[2].median > outcome[0].median,
        "better at 6 months than at 1"
    );
    // Every indication of the knowledge base gives a number on one of its trial scales.
    for indication in &kb().indications {
        let h = simulate(
            &kb().healing,
            &request("skinpen", 1.0, 3, 4, Some(&indication.id)),
        );
        assert_eq!(
            h.outcome.len(),
            4,
            "{}: {:?}",
            indication.id,
            h.outcome_note
        );
        let basis = h.outcome_basis.as_ref().expect("basis");
        assert!(
            kb().healing
                .scales_of(&indication.id)
                .any(|s| s.id == basis.scale),
            "{}",
            indication.id
        );
        assert!(
            h.outcome
                .iter()
                .all(|p| p.median.is_finite() && p.p10 <= p.p90)
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_band() {
    let a = simulate(
        &kb().healing,
        &request("skinpen", 1.0, 4, 4, Some("rejuvenation")),
    );
    let b = simulate(
        &kb().healing,
        &request("skinpen", 1.0, 4, 4, Some("rejuvenation")),
    );
    assert_eq!(a.outcome, b.outcome);
}

/// The damage–inflammation chain is linear: after one pulse A,
/// I(t) = A k_D / (k_D − k_I) (e^{−k_I t} − e^{−k_D t}).
#[test]
fn rk4_matches_the_closed_form_of_the_inflammation_chain_and_a_finer_step() {
    let kb = kb();
    let rates = Rates::central(&kb.healing);
    let course = Course {
        injury_per_session: 0.01,
        sessions: 1,
        interval_weeks: 4,
        horizon_days: 60.0,
    };
    let amplitude = rates.gain * course.injury_per_session;
    let mut coarse = Vec::new();
    integrate(&rates, &course, STEP_DAYS, |day, s: &State| {
        coarse.push((day, *s))
    });
    for (day, s) in &coarse {
        let t = f64::from(*day);
        let exact = amplitude * rates.k_d / (rates.k_d - rates.k_i)
            * ((-rates.k_i * t).exp() - (-rates.k_d * t).exp());
        assert!(
            (s.inflammation - exact).abs() <= 1e-3 * amplitude,
            "day {day}: {} vs {exact}",
            s.inflammation
        );
    }
    let mut fine = Vec::new();
    integrate(&rates, &course, STEP_DAYS / 4.0, |_, s: &State| {
        fine.push(s.new_collagen_pct())
    });
    let end = coarse.last().expect("end").1.new_collagen_pct();
    assert!((end - fine.last().expect("end")).abs() <= 1e-4 * end.abs().max(1.0));
}

#[test]
fn bad_requests_are_rejected() {
    let kb = kb();
    let device = kb.device("dermapen").expect("device");
    let penetration = cheek_penetration(device, 1.0);
    let make = |sessions, interval, months| {
        HealingRequest::builder(device, &penetration)
            .sessions(sessions)
            .interval_weeks(interval)
            .months(months)
            .samples(100)
            .build()
    };
    assert_eq!(make(0, 4, 12).expect_err("zero sessions").field, "sessions");
    assert_eq!(
        make(3, 0, 12).expect_err("zero interval").field,
        "interval_weeks"
    );
    assert_eq!(make(3, 4, 600).expect_err("absurd horizon").field, "months");
}

#[test]
fn gains_of_a_standard_series_are_kept_between_six_and_twelve_months() {
    // Cross-linked collagen turns over with the dermis (half-life about 15 years): a series'
    // gain is largely kept (Alam 2014: acne-scar improvement still growing from 3 to 6 months).
    for device in ["dermaroller-192", "dermapen"] {
        let h = simulate(
            &kb().healing,
            &request(device, 1.5, 3, 4, Some("acne-scars")),
        );
        let (six, twelve) = (collagen_at_week(&h, 26), collagen_at_week(&h, 52));
        assert!(
            twelve >= 0.85 * six,
            "{device}: {six} % at 6 months, {twelve} % at 12"
        );
        let outcome = &h.outcome;
        let at = |m: u32| outcome.iter().find(|p| p.month == m).expect("month").median;
        assert!(at(12) >= 0.9 * at(6), "{device}: {} then {}", at(6), at(12));
        assert!(
            at(6) >= at(3) * 0.95,
            "{device}: improvement holds or grows after 3 months"
        );
    }
}

#[test]
fn no_band_is_pinned_at_the_top_of_its_scale() {
    // The improvement fraction bends towards a full clearance (Emax) instead of clipping: even
    // many deep pen sessions leave the band below the baseline's distance from the best grade
    // (3.2 - 1 = 2.2 grades on the default scale), and more injury still gives a little more.
    let heavy = simulate(
        &kb().healing,
        &request("dermapen", 2.0, 6, 4, Some("acne-scars")),
    );
    let light = simulate(
        &kb().healing,
        &request("dermapen", 1.5, 3, 4, Some("acne-scars")),
    );
    let p90 = |h: &microneedling_core::healing::Healing| h.outcome[2].p90;
    assert!(p90(&heavy) < 2.2 - 0.05, "{}", p90(&heavy));
    assert!(p90(&heavy) > p90(&light));
}

/// The batched integrator (four patients stepped together, for the outcome bands) is the fast
/// integrator operation for operation: every lane equals its own run to the last bit, on the
/// session days, between them and at the end, for courses of one to twelve sessions.
#[test]
fn the_batched_integrator_equals_the_fast_one_bit_for_bit() {
    use microneedling_core::healing::{
        Course, LANES, Rates, integrate_fast, new_collagen_pct_lanes,
    };
    let params = &kb().healing;
    let days: Vec<u32> = vec![0, 1, 2, 13, 14, 28, 30, 91, 183, 200, 365];
    for (sessions, weeks) in [(1, 4), (3, 4), (6, 2), (12, 1)] {
        for batch in 0..5u64 {
            let rates: [Rates; LANES] =
                std::array::from_fn(|l| Rates::sampled(params, 11, batch * 4 + l as u64));
            let injury: [f64; LANES] = std::array::from_fn(|l| 0.01 + 0.03 * l as f64);
            let schedule = Course {
                injury_per_session: 0.0,
                sessions,
                interval_weeks: weeks,
                horizon_days: 365.0,
            };
            let batched = new_collagen_pct_lanes(&rates, &injury, &schedule, &days);
            for l in 0..LANES {
                let course = Course {
                    injury_per_session: injury[l],
                    ..schedule.clone()
                };
                let mut alone = vec![f64::NAN; days.len()];
                integrate_fast(&rates[l], &course, |day, s| {
                    for (k, d) in days.iter().enumerate() {
                        if *d == day {
                            alone[k] = s.new_collagen_pct();
                        }
                    }
                });
                for (k, day) in days.iter().enumerate() {
                    assert_eq!(
                        batched[k][l].to_bits(),
                        alone[k].to_bits(),
                        "lane {l}, day {day}: {} vs {}",
                        batched[k][l],
                        alone[k]
                    );
                }
                assert!(alone[days.len() - 1] > 0.0, "the course lays collagen");
            }
        }
    }
}

/// One quantity of a healing state.
type Field = fn(&microneedling_core::healing::State) -> f64;

/// The fast integrator (exact linear chain, one-day RK4 for collagen) against RK4 at a
/// sixteenth of a day (converged: the quarter-day step itself is 0.1 % off the fast damage
/// chain): every state within 0.1 % of its peak, for sampled patients and several courses.
#[test]
fn the_fast_integrator_matches_the_rk4_reference() {
    use microneedling_core::healing::{Course, Rates, STEP_DAYS, integrate, integrate_fast};
    let params = &kb().healing;
    for (injury, sessions, weeks) in [(0.02, 1, 4), (0.05, 3, 4), (0.2, 6, 2), (0.01, 12, 1)] {
        let course = Course {
            injury_per_session: injury,
            sessions,
            interval_weeks: weeks,
            horizon_days: 365.0,
        };
        for index in 0..20 {
            let rates = Rates::sampled(params, 7, index);
            let (mut reference, mut fast) = (Vec::new(), Vec::new());
            integrate(&rates, &course, STEP_DAYS / 4.0, |_, s| reference.push(*s));
            integrate_fast(&rates, &course, |_, s| fast.push(*s));
            assert_eq!(reference.len(), fast.len());
            let top = |f: Field| reference.iter().map(f).fold(0.0f64, f64::max);
            let fields: [(&str, Field); 4] = [
                ("new collagen", |s| s.new_collagen_pct()),
                ("fibroblasts", |s| s.fibroblasts),
                ("inflammation", |s| s.inflammation),
                ("inflammation integral", |s| s.inflammation_integral),
            ];
            for (name, f) in fields {
                let scale = top(f).max(1e-12);
                for (r, q) in reference.iter().zip(&fast) {
                    assert!(
                        (f(r) - f(q)).abs() <= 1e-3 * scale,
                        "{name}: {} vs {} (scale {scale}, course {injury} x {sessions})",
                        f(r),
                        f(q)
                    );
                }
            }
        }
    }
}

/// A cohort row is the band of one patient: for every mechanism (collagen, pigment, vascular,
/// hair), virtual patient `i` read alone (`first_patient(i)`, one sample) gives the very value the
/// band of many holds at index `i`, so a cohort's rows are the spread the band summarises.
#[test]
fn one_patient_read_alone_is_the_same_patient_of_the_band() {
    use microneedling_core::healing::{DAYS_PER_MONTH, ScaleChoice, month_day, scale_improvements};
    let kb = kb();
    let device = kb.device("dermapen").expect("device");
    let penetration = cheek_penetration(device, 1.0);
    let days = [6, 12].map(month_day);
    for (id, topical) in [
        ("acne-scars", None),
        ("pigmentation", Some("tranexamic-acid")),
        ("rosacea", None),
        ("alopecia", None),
    ] {
        let indication = kb.indication(id).expect("indication");
        let choice = ScaleChoice::resolve(&kb.healing.scales, id, None, None).expect("scale");
        let request = |first: u64, samples: usize| {
            HealingRequest::builder(device, &penetration)
                .sessions(4)
                .interval_weeks(4)
                .months(12)
                .indication(Some(indication))
                .topical(topical, 1.0)
                .seed(11)
                .first_patient(first)
                .samples(samples)
                .build()
                .expect("valid request")
        };
        let many = request(0, 9);
        let course = many.course(&kb.healing, 12.0 * DAYS_PER_MONTH + 1.0);
        let (band, _) =
            scale_improvements(&kb.healing, indication, &course, &many, &choice, &days).expect(id);
        assert!(
            band[1].iter().any(|v| *v != band[1][0]),
            "{id}: patients differ"
        );
        for i in 0..9u64 {
            let one = request(i, 1);
            let (alone, _) =
                scale_improvements(&kb.healing, indication, &course, &one, &choice, &days)
                    .expect(id);
            for k in 0..days.len() {
                assert_eq!(
                    alone[k][0].to_bits(),
                    band[k][i as usize].to_bits(),
                    "{id}, patient {i}, day {}: {} vs {}",
                    days[k],
                    alone[k][0],
                    band[k][i as usize]
                );
            }
        }
    }
}

#[test]
fn the_central_patient_sits_in_the_middle_of_its_band() {
    use microneedling_core::healing::{
        CentralOverrides, Course, DAYS_PER_MONTH, Rates, ScaleChoice, central_scale_values,
        month_day, quantile, scale_improvements,
    };
    use microneedling_core::indication::Indication;
    let kb = kb();
    let device = kb.device("dermapen").expect("device");
    let penetration = cheek_penetration(device, 1.0);
    let days = [6, 12].map(month_day);
    let central = |indication: &Indication,
                   request: &HealingRequest,
                   course: &Course,
                   choice: &ScaleChoice| {
        central_scale_values(
            &kb.healing,
            indication,
            request,
            course,
            choice,
            &Rates::central(&kb.healing),
            CentralOverrides::default(),
            &days,
        )
    };
    for (id, topical) in [
        ("pigmentation", Some("tranexamic-acid")),
        ("rosacea", None),
        ("alopecia", None),
    ] {
        let indication = kb.indication(id).expect("indication");
        let choice = ScaleChoice::resolve(&kb.healing.scales, id, None, None).expect("scale");
        let request = HealingRequest::builder(device, &penetration)
            .sessions(4)
            .interval_weeks(4)
            .months(12)
            .indication(Some(indication))
            .topical(topical, 1.0)
            .seed(5)
            .samples(2000)
            .build()
            .expect("valid request");
        let course = request.course(&kb.healing, 12.0 * DAYS_PER_MONTH + 1.0);
        let (band, _) =
            scale_improvements(&kb.healing, indication, &course, &request, &choice, &days)
                .expect(id);
        let central = central(indication, &request, &course, &choice).expect(id);
        for (k, values) in band.iter().enumerate() {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let (low, high) = (quantile(&sorted, 0.25), quantile(&sorted, 0.75));
            assert!(
                (low..=high).contains(&central[k]),
                "{id} day {}: central {} outside the band's middle half {low}..{high}",
                days[k],
                central[k]
            );
        }
    }
    // A collagen indication reads its own course.
    let acne = kb.indication("acne-scars").expect("indication");
    let choice = ScaleChoice::resolve(&kb.healing.scales, "acne-scars", None, None).expect("scale");
    let request = HealingRequest::builder(device, &penetration)
        .indication(Some(acne))
        .build()
        .expect("valid request");
    let course = request.course(&kb.healing, 200.0);
    let refused = central(acne, &request, &course, &choice);
    assert!(refused.is_err_and(|e| e.contains("collagen")));
}
