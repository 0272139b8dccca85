//! The models run on parameters built by hand, without the embedded knowledge base: each is a
//! function of its own inputs (issue "The house").

use microneedling_core::device::devices_from_toml;
use microneedling_core::healing::{Course, Rates, integrate};
use microneedling_core::penetration::PenetrationParams;
use microneedling_core::skin::{Sex, SkinProfile};

/// Penetration parameters with no puncture work and no drag: a needle enters its whole
/// length, so the model's depth must equal the needle length exactly.
const IDEAL_PENETRATION: &str = r#"
[mechanics]
toughness_j_per_m2 = { value = 0, assumption = "no puncture work, no dimple" }
modulus_mpa = { value = 1.5, assumption = "t" }
shaft_friction_mpa = { value = 0, assumption = "no drag: the whole length enters" }
rate_exponent = { value = 0, assumption = "t" }
quasi_static_speed_m_per_s = { value = 0.0005, assumption = "t" }
max_buried_fraction = { value = 1.0, assumption = "ideal" }
crowding_spacing_um = { value = 1, assumption = "t" }
roller_contact_arc_mm = { value = 4, assumption = "t" }
impact_mass_per_needle_mg = { value = 50, assumption = "t" }
[insertion]
roll_force_n = { value = 10, assumption = "t" }
press_force_n = { value = 15, assumption = "t" }
impact_speed_m_per_s = { value = 1, assumption = "t" }
[channel]
tear_factor = { value = 1.0, assumption = "no tearing" }
[bleeding]
capillary_margin_um = { value = 0, assumption = "t" }
[pain]
surface_only = { value = 0.5, assumption = "t" }
epidermis = { value = 1.0, assumption = "t" }
dermis_base = { value = 2.0, scale = 6.0, length_um = 500, assumption = "t" }
thermal_extra = { value = 1.5, assumption = "t" }
[erythema]
epidermis_h = { value = 2, assumption = "t" }
dermis_base_h = { value = 6, scale_h = 30, length_um = 500, assumption = "t" }
thermal_factor = { value = 1.5, assumption = "t" }
max_h = { value = 168, assumption = "t" }
"#;

const STAMP: &str = r#"
[[devices]]
id = "test-stamp"
name = "Test stamp"
kind = "stamp"
use = "professional"
needle_count = 100
needle_diameter_um = 200
tip_radius_um = 4
tip_length_um = 600
lengths_mm = [0.5, 1.0]
default_length_mm = 1.0
default_passes = 1
sterile_single_use = true
stamp = { head_area_mm2 = 100 }
source = "hand-built for a test"
"#;

fn skin() -> SkinProfile {
    SkinProfile {
        site: "test".into(),
        sex: Sex::Female,
        age_years: 35.0,
        thickness_um: [15.0, 60.0, 100.0, 1000.0, 2000.0],
    }
}

#[test]
fn penetration_runs_on_hand_built_parameters() {
    let params: PenetrationParams = toml::from_str(IDEAL_PENETRATION).expect("parameters");
    let devices = devices_from_toml("test", STAMP).expect("device");
    let p = params.simulate(&devices[0], 1.0, &skin(), 1);
    assert!(
        (p.effective_depth_um - 1000.0).abs() < 1e-9,
        "{}",
        p.effective_depth_um
    );
    // 1000 µm from the surface ends inside the reticular dermis (15 + 60 + 100 + 1000 µm).
    assert_eq!(
        p.deepest_layer,
        Some(microneedling_core::skin::Layer::ReticularDermis)
    );
    assert!(p.injured_dermis_fraction > 0.0 && p.injured_dermis_fraction < 1.0);
}

#[test]
fn healing_runs_on_hand_built_rates() {
    // Damage of one session decays as A·exp(−k_D t): the closed form of the first equation.
    let rates = Rates {
        k_d: 0.5,
        k_i: 0.3,
        r_f: 0.2,
        k_f: 0.1,
        f_half: 1.0,
        s_3: 0.01,
        s_1: 0.01,
        k_31: 0.05,
        k_1: 0.001,
        c_max: 0.5,
        gain: 2.0,
        k_mat: 0.01,
        k_m: 0.0001,
    };
    let course = Course {
        injury_per_session: 0.1,
        sessions: 1,
        interval_weeks: 4,
        horizon_days: 20.0,
    };
    let mut worst = 0.0_f64;
    let mut last_collagen = 0.0;
    integrate(&rates, &course, 0.25, |day, state| {
        let exact = 0.2 * (-0.5 * f64::from(day)).exp();
        worst = worst.max((state.damage - exact).abs());
        last_collagen = state.new_collagen_pct();
    });
    assert!(worst < 1e-5, "RK4 vs closed form: {worst}");
    assert!(last_collagen > 0.0);
}
