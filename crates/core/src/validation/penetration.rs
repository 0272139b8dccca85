//! Penetration against published channel depths, widths and densities.

use super::{CaseKind, Scope, ValidationCase, bound_case, claim_case};
use crate::KnowledgeBase;
use crate::skin::{Layer, Region, Sex, SkinProfile};

/// Kalluri, Kolli & Banga 2011: depth and width of 770 µm roller channels.
pub fn kalluri_2011(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let Ok(base) = kb.device("dermaroller-192") else {
        return Vec::new();
    };
    let mut device = base.clone();
    device.needle_diameter_um = 140.0;
    device.tip_length_um = 770.0;
    device.lengths_mm = Some(vec![0.77]);
    let Ok(skin) = kb
        .site("upper-arm")
        .and_then(|s| SkinProfile::new(s, Sex::Female, 35.0, &kb.age_model))
    else {
        return Vec::new();
    };
    let r = kb.penetration.simulate(&device, 0.77, &skin, 1);
    let source = "Kalluri, Kolli & Banga, AAPS J 2011;13:473 [@kalluri2011]";
    vec![
        bound_case(
            Scope(CaseKind::Calibration, "penetration"),
            "penetration-kalluri-depth",
            "770 um roller needles: channel depth, um",
            source,
            r.effective_depth_um,
            152.5 - 9.6,
            152.5 + 9.6,
        ),
        bound_case(
            Scope(CaseKind::Calibration, "penetration"),
            "penetration-kalluri-width",
            "770 um roller needles: channel width at the surface, um",
            source,
            r.channel_surface_diameter_um,
            70.7 - 9.9,
            70.7 + 9.9,
        ),
    ]
}

/// Lima, Lima & Takano 2013: 0.5 mm rollers reach the papillary dermis on the face.
pub fn lima_2013(kb: &KnowledgeBase) -> ValidationCase {
    let holds = kb.device("dermaroller-192").is_ok_and(|roller| {
        kb.sites
            .iter()
            .filter(|s| s.region == Region::Face)
            .all(|site| {
                [Sex::Female, Sex::Male].into_iter().all(|sex| {
                    SkinProfile::new(site, sex, 35.0, &kb.age_model).is_ok_and(|skin| {
                        kb.penetration
                            .simulate(roller, 0.5, &skin, 15)
                            .layers_reached
                            .contains(&Layer::PapillaryDermis)
                    })
                })
            })
    });
    claim_case(
        Scope(CaseKind::Calibration, "penetration"),
        "penetration-lima-papillary",
        "0.5 mm professional roller reaches the papillary dermis on every face site",
        "Lima, Lima & Takano, Surg Cosmet Dermatol 2013;5:110 [@lima2013]",
        holds,
    )
}

/// Fernandes: 15 roller passes give about 230-250 channels per cm².
pub fn fernandes_density(kb: &KnowledgeBase) -> ValidationCase {
    let computed = kb
        .device("dermaroller-192")
        .ok()
        .zip(
            kb.site("cheek")
                .ok()
                .and_then(|s| SkinProfile::new(s, Sex::Female, 35.0, &kb.age_model).ok()),
        )
        .map_or(f64::NAN, |(roller, skin)| {
            kb.penetration
                .simulate(roller, 1.5, &skin, 15)
                .channels_per_cm2
        });
    bound_case(
        Scope(CaseKind::Analytic, "penetration"),
        "penetration-fernandes-density",
        "192-needle roller, 15 passes: channels per cm2",
        "Fernandes [@fernandes2008]",
        computed,
        225.0,
        250.0,
    )
}

/// Every penetration case.
pub fn penetration_cases(kb: &KnowledgeBase) -> Vec<ValidationCase> {
    let mut cases = kalluri_2011(kb);
    cases.push(lima_2013(kb));
    cases.push(fernandes_density(kb));
    cases
}
