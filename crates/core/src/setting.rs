//! A device setting on one person's skin: the question every simulation starts from, resolved
//! once here for every door (CLI, API, plan) so that they accept and reject the same inputs.

use std::borrow::Cow;

use crate::device::{Device, InsertionMode};
use crate::error::InputError;
use crate::healing::{HealingRequest, HealingRequestBuilder};
use crate::knowledge::KnowledgeBase;
use crate::penetration::Penetration;
use crate::skin::{LayerThicknesses, Sex, Site, SkinProfile};
use crate::transport::{DeliveryRequest, DeliveryRequestBuilder, Hydration, Preparation, Solute};

/// Most passes accepted over one area in one session.
pub const MAX_PASSES: u32 = 100;
/// Hours of a day's delivery summary (plans, a topical's intact-skin share): one day of the
/// default dose, not occluded.
pub const SUMMARY_HOURS: f64 = 24.0;
/// Age used when the caller gives none, years: the trials' typical patient.
pub const DEFAULT_AGE_YEARS: f64 = 35.0;

/// What a caller asks for, by catalog ids; `None` takes the device's or the default value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingQuery<'q> {
    /// Device id.
    pub device: &'q str,
    /// Needle length, mm (else the device's default length).
    pub length_mm: Option<f64>,
    /// Site id.
    pub site: &'q str,
    /// The person's sex (layer thicknesses differ).
    pub sex: Sex,
    /// The person's age, years (else [`DEFAULT_AGE_YEARS`]).
    pub age_years: Option<f64>,
    /// Passes over the area (else the device's default).
    pub passes: Option<u32>,
}

/// How the caller drives the needles, in place of the device's own; `None` keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct InsertionQuery {
    /// Roll, press or impact.
    pub mode: Option<InsertionMode>,
    /// Force on the device, N (roll, press).
    pub force_n: Option<f64>,
    /// Needle speed, m/s (impact).
    pub speed_m_per_s: Option<f64>,
}

/// A resolved, valid setting: a catalog device at one of its lengths, passes in range, and the
/// person's skin at the site. Errors name the query's fields: `device`, `site`, `length_mm`,
/// `passes`, `age`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<'a> {
    device: Cow<'a, Device>,
    site: &'a Site,
    length_mm: f64,
    passes: u32,
    skin: SkinProfile,
}

impl<'a> Setting<'a> {
    /// Looks up and checks every part of `query` in `kb`.
    pub fn resolve(kb: &'a KnowledgeBase, query: &SettingQuery<'_>) -> Result<Self, InputError> {
        let device = kb.device(query.device)?;
        let site = kb.site(query.site)?;
        let length_mm = device.check_length(query.length_mm.unwrap_or(device.default_length_mm))?;
        let passes = query.passes.unwrap_or(device.default_passes);
        if passes == 0 || passes > MAX_PASSES {
            return Err(InputError::new(
                "passes",
                passes,
                format!("1 to {MAX_PASSES} passes"),
            ));
        }
        let age = query.age_years.unwrap_or(DEFAULT_AGE_YEARS);
        let skin = SkinProfile::new(site, query.sex, age, &kb.age_model)?;
        Ok(Self {
            device: Cow::Borrowed(device),
            site,
            length_mm,
            passes,
            skin,
        })
    }

    /// This setting with layer thicknesses of the caller's (errors name `sc_um`,
    /// `epidermis_um`, `dermis_um`).
    pub fn with_layers(mut self, layers: &LayerThicknesses) -> Result<Self, InputError> {
        self.skin = self.skin.with_layers(layers)?;
        Ok(self)
    }

    /// The device, with any insertion the caller set.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The same setting with the caller's insertion mode, force or speed in place of the
    /// device's. A new mode drops the device's own force or speed that belongs to the old one.
    /// Errors name `insertion`, `force_n` or `speed_m_per_s`.
    pub fn with_insertion(mut self, set: InsertionQuery) -> Result<Self, InputError> {
        if set == InsertionQuery::default() {
            return Ok(self);
        }
        let device = self.device.to_mut();
        if let Some(mode) = set.mode {
            if mode != device.mode() {
                device.force_n = None;
                device.speed_m_per_s = None;
            }
            device.insertion = Some(mode);
        }
        device.force_n = set.force_n.or(device.force_n);
        device.speed_m_per_s = set.speed_m_per_s.or(device.speed_m_per_s);
        device.check_insertion()?;
        Ok(self)
    }
    /// The site.
    pub fn site(&self) -> &'a Site {
        self.site
    }
    /// Needle length, mm: one of the device's settings.
    pub fn length_mm(&self) -> f64 {
        self.length_mm
    }
    /// Passes over the area in one session.
    pub fn passes(&self) -> u32 {
        self.passes
    }
    /// The person's layered skin at the site.
    pub fn skin(&self) -> &SkinProfile {
        &self.skin
    }

    /// What this setting does to the skin (the penetration model with `kb`'s parameters).
    pub fn penetration(&self, kb: &KnowledgeBase) -> Penetration {
        kb.penetration
            .simulate(&self.device, self.length_mm, &self.skin, self.passes)
    }

    /// A delivery request for `solute` (named `agent_id`) through this setting's channels.
    pub fn delivery(
        &self,
        kb: &KnowledgeBase,
        agent_id: &str,
        solute: Solute,
    ) -> DeliveryRequestBuilder {
        DeliveryRequest::builder(agent_id, solute, self.penetration(kb), self.skin.clone())
    }

    /// A healing request for a series of sessions at this setting.
    pub fn healing(&self, kb: &KnowledgeBase) -> HealingRequestBuilder {
        healing_builder(kb, &self.device, self.length_mm, &self.skin, self.passes)
    }
}

/// `builder` set to a day's delivery of the default in-session dose: [`SUMMARY_HOURS`] of the
/// knowledge base's default reservoir concentration. What a plan's delivery summary, a topical's
/// intact-skin share and a cohort row simulate.
pub fn summary_day(kb: &KnowledgeBase, builder: DeliveryRequestBuilder) -> DeliveryRequestBuilder {
    builder
        .hours(SUMMARY_HOURS)
        .dose(crate::transport::Dose::Infinite {
            mg_per_ml: kb.transport.dose.default_infinite_mg_per_ml.value,
        })
}

/// Absorbed at the last of `points` (µg/cm²), 0 for none.
pub fn absorbed_at_end(points: &[crate::transport::DeliveryPoint]) -> f64 {
    points.last().map_or(0.0, |p| p.absorbed)
}

/// A healing request for sessions of `device` at `length_mm` on `skin`: the penetration of this
/// skin, and the injury of people thinner- and thicker-skinned than it (the band's skin
/// variation, `kb.thickness_variation`). Every door builds its healing requests here.
pub fn healing_builder(
    kb: &KnowledgeBase,
    device: &Device,
    length_mm: f64,
    skin: &SkinProfile,
    passes: u32,
) -> HealingRequestBuilder {
    let penetration = kb.penetration.simulate(device, length_mm, skin, passes);
    let spread =
        kb.penetration
            .injury_spread(device, length_mm, skin, passes, &kb.thickness_variation);
    HealingRequest::builder(device, &penetration).injury_spread(spread)
}

/// One person's skin at a site, without a device (intact-skin questions); errors name `site`
/// and `age`.
pub fn person_skin(
    kb: &KnowledgeBase,
    site: &str,
    sex: Sex,
    age_years: Option<f64>,
) -> Result<SkinProfile, InputError> {
    let site = kb.site(site)?;
    SkinProfile::new(
        site,
        sex,
        age_years.unwrap_or(DEFAULT_AGE_YEARS),
        &kb.age_model,
    )
}

/// Where a delivery runs: with a device's channels or through intact skin only (`device: None`),
/// living or excised skin, the stratum corneum's hydration and layers of the caller's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeliveryQuery<'q> {
    /// Device id; `None` for intact skin only.
    pub device: Option<&'q str>,
    /// Needle length, mm (else the device's default length).
    pub length_mm: Option<f64>,
    /// Site id.
    pub site: &'q str,
    /// The person's sex.
    pub sex: Sex,
    /// The person's age, years (else [`DEFAULT_AGE_YEARS`]).
    pub age_years: Option<f64>,
    /// Passes over the area (else the device's default).
    pub passes: Option<u32>,
    /// Living skin or excised skin in a diffusion cell.
    pub preparation: Preparation,
    /// Hydration of the stratum corneum.
    pub hydration: Hydration,
    /// Layer thicknesses in place of the site's; in vitro the dermis defaults to dermatomed skin.
    pub layers: LayerThicknesses,
}

/// The delivery request builder `query` asks for, for `solute` (named `agent_id`). Errors name
/// the query's fields (`device`, `site`, `length_mm`, `passes`, `age`, `sc_um`, `epidermis_um`,
/// `dermis_um`).
pub fn delivery_builder(
    kb: &KnowledgeBase,
    query: &DeliveryQuery<'_>,
    agent_id: &str,
    solute: Solute,
) -> Result<DeliveryRequestBuilder, InputError> {
    let in_vitro_dermis = (query.preparation == Preparation::InVitro)
        .then_some(kb.transport.in_vitro.dermis_um.value);
    let layers = LayerThicknesses {
        dermis_um: query.layers.dermis_um.or(in_vitro_dermis),
        ..query.layers
    };
    let builder = match query.device {
        None => {
            let skin =
                person_skin(kb, query.site, query.sex, query.age_years)?.with_layers(&layers)?;
            DeliveryRequest::intact_builder(agent_id, solute, skin)
        }
        Some(device) => {
            let setting = Setting::resolve(
                kb,
                &SettingQuery {
                    device,
                    length_mm: query.length_mm,
                    site: query.site,
                    sex: query.sex,
                    age_years: query.age_years,
                    passes: query.passes,
                },
            )?
            .with_layers(&layers)?;
            setting.delivery(kb, agent_id, solute)
        }
    };
    Ok(builder
        .preparation(query.preparation)
        .hydration(query.hydration))
}

/// What a healing question asks, by catalog ids: the setting or no needling
/// ([`crate::healing::NO_DEVICE`]), a topical, and the indication and scale to read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealingQuery<'q> {
    /// The device setting; its `device` may be `none` (a topical alone, or no treatment).
    pub setting: SettingQuery<'q>,
    /// Agent id of the topical used with the series.
    pub topical: Option<&'q str>,
    /// Indication whose scale to read.
    pub indication: Option<&'q str>,
    /// Scale of the indication (else its default).
    pub scale: Option<&'q str>,
    /// The patient's starting score (else the scale's typical baseline).
    pub baseline: Option<f64>,
}

/// The healing request builder `query` asks for, with its indication, scale and topical set
/// (the caller adds the series). Without needling, the topical acts with the share of its
/// channel delivery that intact skin lets through (the transport model, one day, the
/// indication's preferred device). Errors name `device`, `site`, `topical`, `indication`,
/// `scale`, `baseline` and the setting's fields.
pub fn healing_query(
    kb: &KnowledgeBase,
    query: &HealingQuery<'_>,
) -> Result<HealingRequestBuilder, InputError> {
    let indication = query.indication.map(|id| kb.indication(id)).transpose()?;
    let agent = query
        .topical
        .map(|id| {
            kb.agent(id).map_err(|e| InputError {
                field: String::from("topical"),
                ..e
            })
        })
        .transpose()?;
    let scale = crate::healing::ScaleChoice::for_request(
        &kb.healing.scales,
        indication,
        query.scale,
        query.baseline,
    )?;
    let s = &query.setting;
    let builder = if s.device == crate::healing::NO_DEVICE {
        kb.site(s.site)?;
        let weight = match (agent, indication) {
            (Some(agent), Some(indication)) => {
                intact_share(kb, agent, s, &indication.preferred_device)?
            }
            _ => 1.0,
        };
        HealingRequest::without_device(s.site).topical(agent.map(|a| a.id.as_str()), weight)
    } else {
        Setting::resolve(kb, s)?
            .healing(kb)
            .topical(agent.map(|a| a.id.as_str()), 1.0)
    };
    Ok(builder.indication(indication).scale(scale))
}

/// The share of `agent`'s one-day delivery through `device`'s channels that intact skin lets
/// through at the query's site (infinite dose, living skin), 0 to 1.
pub fn intact_share(
    kb: &KnowledgeBase,
    agent: &crate::agent::Agent,
    setting: &SettingQuery<'_>,
    device: &str,
) -> Result<f64, InputError> {
    let query = DeliveryQuery {
        device: Some(device),
        length_mm: None,
        site: setting.site,
        sex: setting.sex,
        age_years: setting.age_years,
        passes: None,
        preparation: Preparation::InVivo,
        hydration: Hydration::default(),
        layers: LayerThicknesses::default(),
    };
    let request = summary_day(
        kb,
        delivery_builder(kb, &query, &agent.id, agent.solute()?)?,
    )
    .build()?;
    let delivery = crate::transport::simulate(&kb.transport, &request);
    let channels = absorbed_at_end(&delivery.delivered_ug_per_cm2);
    let intact = absorbed_at_end(&delivery.intact_ug_per_cm2);
    Ok(if channels > 0.0 {
        (intact / channels).clamp(0.0, 1.0)
    } else {
        1.0
    })
}
