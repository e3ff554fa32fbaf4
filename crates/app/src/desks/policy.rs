//! Who may do what with a file at a desk: act at its step (forward, return to the applicant,
//! send back, reject, record a product), take it or let it go, hand it to someone else, and see
//! the supervisors' summary. Every such decision in the desks area is made here and nowhere else.
//!
//! The rules, over plain inputs (the officer's id and roles, the file's position and step, who
//! holds the file now):
//! - only the role of the step acts at it, claims it or releases it;
//! - a file another officer holds (an unexpired claim) is theirs alone until it is released,
//!   reassigned or the claim runs out;
//! - a file with the applicant, or past the desks, has no step to act at;
//! - an action must be one of the step's actions;
//! - the heads (Kasi, Kabid, Kadis) and the admin reassign files and see the summary.
//!
//! The functions are pure; [`Refusal`] says why, and turns into the service error the officer sees.

use crate::platform::error::ServiceError;
use chrono::DateTime;
use chrono::Utc;
use izinkes_domain::roles::Role;
use izinkes_domain::roles::holds_any;
use izinkes_domain::roles::role_label;
use izinkes_domain::workflow::ActionKind;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::Step;
use izinkes_domain::workflow::WorkflowError;

/// The officer asking.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub id: &'a str,
    pub roles: &'a [Role],
}

impl<'a> Actor<'a> {
    pub fn of(officer: &'a crate::auth::officer::Officer) -> Actor<'a> {
        Actor {
            id: &officer.id,
            roles: &officer.roles,
        }
    }
}

/// Where the file stands, as far as the rules care.
#[derive(Clone, Copy, Debug)]
pub struct Desk<'a> {
    pub position: Position,
    /// The step the file is at (`None` with the applicant or past the desks).
    pub step: Option<&'a Step>,
    /// Who holds the file now, by id and name: an unexpired claim.
    pub claimed_by: Option<(&'a str, &'a str)>,
}

/// What an officer asks to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Claim,
    Release,
    Reassign,
    /// One of the step's own actions (forward, return, send back, reject, a product).
    Act(ActionKind),
}

/// Why an officer may not do what they asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Only the heads and the admin reassign files or see the summary.
    NotSupervisor,
    /// The file is with the applicant for revision.
    WithApplicant,
    /// The file has left the desks (ready to sign, rejected).
    Finished,
    /// The step belongs to another role.
    WrongRole { step_name: String, role_label: String },
    /// Another officer holds the file.
    ClaimedByOther { name: String },
    /// The action is not one of the step's.
    NotAllowed(ActionKind),
}

impl From<Refusal> for ServiceError {
    fn from(r: Refusal) -> ServiceError {
        match r {
            Refusal::NotSupervisor => ServiceError::Forbidden,
            Refusal::WithApplicant => {
                ServiceError::Refused("Berkas sedang dikembalikan kepada pemohon untuk diperbaiki.".into())
            }
            Refusal::Finished => ServiceError::Refused("Berkas ini sudah selesai diproses di meja kerja.".into()),
            Refusal::WrongRole { step_name, role_label } => ServiceError::Refused(format!(
                "Tahap \"{step_name}\" dikerjakan oleh {role_label}; akun Anda tidak memiliki peran itu."
            )),
            Refusal::ClaimedByOther { name } => ServiceError::Conflict(format!(
                "Berkas ini sedang dikerjakan oleh {name}. Minta atasan untuk mengalihkannya bila perlu."
            )),
            // The same words the workflow engine uses for it.
            Refusal::NotAllowed(action) => ServiceError::Refused(WorkflowError::NotAllowed { action }.to_string()),
        }
    }
}

/// Whether the officer supervises the desks of their office (the heads and the admin).
pub fn is_supervisor(roles: &[Role]) -> bool {
    holds_any(roles, &Role::SUPERVISORS)
}

/// Whether the officer holds the role of the step.
pub fn holds_step_role(roles: &[Role], step: &Step) -> bool {
    step.role().is_some_and(|r| roles.contains(&r))
}

/// Reassigning a file to another officer: the supervisors only, wherever the file is.
pub fn may_reassign(roles: &[Role]) -> Result<(), Refusal> {
    if is_supervisor(roles) {
        Ok(())
    } else {
        Err(Refusal::NotSupervisor)
    }
}

/// The supervisors' summary: the supervisors only.
pub fn may_see_summary(roles: &[Role]) -> Result<(), Refusal> {
    may_reassign(roles)
}

/// Working the file at its step — claiming, releasing, or acting — needs a step, its role, and
/// no other officer holding the file. The checks run in that order, so the officer learns the
/// first thing in the way.
pub fn may_work(actor: Actor<'_>, desk: &Desk<'_>) -> Result<(), Refusal> {
    let Some(step) = desk.step else {
        return Err(match desk.position {
            Position::WithApplicant { .. } => Refusal::WithApplicant,
            _ => Refusal::Finished,
        });
    };
    if !holds_step_role(actor.roles, step) {
        return Err(Refusal::WrongRole {
            step_name: step.name.clone(),
            role_label: role_label(&step.role),
        });
    }
    if let Some((id, name)) = desk.claimed_by
        && id != actor.id
    {
        return Err(Refusal::ClaimedByOther { name: name.to_string() });
    }
    Ok(())
}

/// Claiming a file (taking it for [`crate::desks::actions::CLAIM_MINUTES`]).
pub fn may_claim(actor: Actor<'_>, desk: &Desk<'_>) -> Result<(), Refusal> {
    may_work(actor, desk)
}

/// Releasing a file the officer could claim.
pub fn may_release(actor: Actor<'_>, desk: &Desk<'_>) -> Result<(), Refusal> {
    may_work(actor, desk)
}

/// One of the step's actions: working the file, and the action being the step's.
pub fn may_act(actor: Actor<'_>, desk: &Desk<'_>, action: ActionKind) -> Result<(), Refusal> {
    may_work(actor, desk)?;
    match desk.step {
        Some(step) if step.allows(action) => Ok(()),
        _ => Err(Refusal::NotAllowed(action)),
    }
}

/// Returning the file to the applicant for revision.
pub fn may_return(actor: Actor<'_>, desk: &Desk<'_>) -> Result<(), Refusal> {
    may_act(actor, desk, ActionKind::ReturnToApplicant)
}

/// Rejecting the application.
pub fn may_reject(actor: Actor<'_>, desk: &Desk<'_>) -> Result<(), Refusal> {
    may_act(actor, desk, ActionKind::Reject)
}

/// The one decision for any verb.
pub fn decide(actor: Actor<'_>, desk: &Desk<'_>, verb: Verb) -> Result<(), Refusal> {
    match verb {
        Verb::Reassign => may_reassign(actor.roles),
        Verb::Claim => may_claim(actor, desk),
        Verb::Release => may_release(actor, desk),
        Verb::Act(action) => may_act(actor, desk, action),
    }
}

/// The step's actions this officer may take now (none when they may not work the file).
pub fn allowed_actions(actor: Actor<'_>, desk: &Desk<'_>) -> Vec<ActionKind> {
    match (may_work(actor, desk), desk.step) {
        (Ok(()), Some(step)) => step.actions.clone(),
        _ => Vec::new(),
    }
}

/// Whether the desk offers the officer "take this file": the step is of their role (who holds
/// it is shown beside).
pub fn can_claim(actor: Actor<'_>, desk: &Desk<'_>) -> bool {
    desk.step.is_some_and(|s| holds_step_role(actor.roles, s))
}

/// Everything the officer may do now, as the API names it: claim or release when the step is
/// theirs and nobody else holds the file, the step's actions, and reassign for supervisors (at a
/// step only).
pub fn action_codes(actor: Actor<'_>, desk: &Desk<'_>) -> Vec<&'static str> {
    if desk.step.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if may_work(actor, desk).is_ok() {
        let mine = desk.claimed_by.is_some_and(|(id, _)| id == actor.id);
        out.push(if mine { "release" } else { "claim" });
        out.extend(allowed_actions(actor, desk).iter().map(|a| a.code()));
    }
    if may_reassign(actor.roles).is_ok() {
        out.push("reassign");
    }
    out
}

/// A claim holds until its time runs out: `claimed_by` counts only before `claimed_until`.
pub fn live_claim<T>(claimed_by: Option<T>, claimed_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<T> {
    claimed_by.filter(|_| claimed_until.is_some_and(|t| t > now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn step(role: &str, actions: &[ActionKind]) -> Step {
        Step {
            key: "verifikasi".into(),
            name: "Verifikasi".into(),
            role: role.into(),
            sla_share: 100,
            actions: actions.to_vec(),
            produces: Vec::new(),
            description: String::new(),
            public_note: None,
        }
    }

    const AT: Position = Position::AtStep { step: 0 };
    const FO: &[Role] = &[Role::FrontOffice];

    fn desk<'a>(s: &'a Step, claimed_by: Option<(&'a str, &'a str)>) -> Desk<'a> {
        Desk {
            position: AT,
            step: Some(s),
            claimed_by,
        }
    }

    fn me(roles: &[Role]) -> Actor<'_> {
        Actor { id: "me", roles }
    }

    #[test]
    fn the_role_of_the_step_acts_at_it_and_others_are_told_whose_step_it_is() {
        let s = step("front_office", &[ActionKind::Forward]);
        assert_eq!(may_act(me(FO), &desk(&s, None), ActionKind::Forward), Ok(()));
        assert_eq!(
            may_act(me(&[Role::Kasi]), &desk(&s, None), ActionKind::Forward),
            Err(Refusal::WrongRole {
                step_name: "Verifikasi".into(),
                role_label: "Front Office".into()
            })
        );
        let odd = step("direktur", &[ActionKind::Forward]);
        assert!(matches!(
            may_act(me(&Role::ALL), &desk(&odd, None), ActionKind::Forward),
            Err(Refusal::WrongRole { .. })
        ));
    }

    #[test]
    fn a_file_held_by_another_officer_is_theirs_and_the_holder_keeps_working() {
        let s = step("front_office", &[ActionKind::Forward]);
        let held = desk(&s, Some(("other", "Budi")));
        assert_eq!(
            may_claim(me(FO), &held),
            Err(Refusal::ClaimedByOther { name: "Budi".into() })
        );
        assert_eq!(
            may_release(me(FO), &held),
            Err(Refusal::ClaimedByOther { name: "Budi".into() })
        );
        assert!(may_act(me(FO), &held, ActionKind::Forward).is_err());
        let mine = desk(&s, Some(("me", "Saya")));
        assert_eq!(may_act(me(FO), &mine, ActionKind::Forward), Ok(()));
        assert_eq!(may_release(me(FO), &mine), Ok(()));
    }

    #[test]
    fn the_role_is_checked_before_the_claim() {
        let s = step("front_office", &[ActionKind::Forward]);
        assert!(matches!(
            may_claim(me(&[Role::Kasi]), &desk(&s, Some(("other", "Budi")))),
            Err(Refusal::WrongRole { .. })
        ));
    }

    #[test]
    fn without_a_step_nobody_acts_and_the_reason_says_where_the_file_is() {
        for (position, why) in [
            (Position::WithApplicant { return_to: 0 }, Refusal::WithApplicant),
            (Position::ReadyToSign, Refusal::Finished),
            (Position::Rejected, Refusal::Finished),
            (Position::AtStep { step: 9 }, Refusal::Finished),
        ] {
            let d = Desk {
                position,
                step: None,
                claimed_by: None,
            };
            assert_eq!(may_work(me(&Role::ALL), &d), Err(why.clone()));
            assert_eq!(may_return(me(&Role::ALL), &d), Err(why.clone()));
            assert_eq!(may_reject(me(&Role::ALL), &d), Err(why));
            assert!(allowed_actions(me(&Role::ALL), &d).is_empty());
            assert!(action_codes(me(&Role::ALL), &d).is_empty());
        }
    }

    #[test]
    fn only_the_steps_own_actions_are_allowed() {
        let s = step("front_office", &[ActionKind::Forward, ActionKind::ReturnToApplicant]);
        let d = desk(&s, None);
        assert_eq!(may_return(me(FO), &d), Ok(()));
        assert_eq!(may_reject(me(FO), &d), Err(Refusal::NotAllowed(ActionKind::Reject)));
        assert_eq!(
            decide(me(FO), &d, Verb::Act(ActionKind::Reject)),
            Err(Refusal::NotAllowed(ActionKind::Reject))
        );
        assert_eq!(decide(me(FO), &d, Verb::Claim), Ok(()));
    }

    #[test]
    fn the_heads_and_the_admin_reassign_and_see_the_summary_anywhere() {
        for r in Role::ALL {
            let heads = matches!(r, Role::Kasi | Role::Kabid | Role::Kadis | Role::Admin);
            assert_eq!(may_reassign(&[r]).is_ok(), heads, "{r}");
            assert_eq!(may_see_summary(&[r]).is_ok(), heads, "{r}");
        }
        let d = Desk {
            position: Position::ReadyToSign,
            step: None,
            claimed_by: None,
        };
        assert_eq!(decide(me(&[Role::Kasi]), &d, Verb::Reassign), Ok(()));
        assert_eq!(decide(me(FO), &d, Verb::Reassign), Err(Refusal::NotSupervisor));
    }

    #[test]
    fn the_offered_actions_follow_the_rules() {
        let s = step("front_office", &[ActionKind::Forward, ActionKind::Reject]);
        assert_eq!(
            action_codes(me(FO), &desk(&s, None)),
            vec!["claim", "forward", "reject"]
        );
        assert_eq!(
            action_codes(me(FO), &desk(&s, Some(("me", "Saya")))),
            vec!["release", "forward", "reject"]
        );
        assert!(action_codes(me(FO), &desk(&s, Some(("other", "Budi")))).is_empty());
        assert_eq!(
            action_codes(me(&[Role::FrontOffice, Role::Kasi]), &desk(&s, Some(("other", "Budi")))),
            vec!["reassign"]
        );
        assert_eq!(
            allowed_actions(me(FO), &desk(&s, None)),
            vec![ActionKind::Forward, ActionKind::Reject]
        );
        assert!(can_claim(me(FO), &desk(&s, Some(("other", "Budi")))));
        assert!(!can_claim(me(&[Role::Kasi]), &desk(&s, None)));
    }

    #[test]
    fn a_claim_counts_until_its_time_runs_out() {
        let now = Utc::now();
        assert_eq!(live_claim(Some("a"), Some(now + Duration::minutes(1)), now), Some("a"));
        assert_eq!(live_claim(Some("a"), Some(now), now), None);
        assert_eq!(live_claim(Some("a"), None, now), None);
        assert_eq!(live_claim(None::<&str>, Some(now + Duration::minutes(1)), now), None);
    }

    #[test]
    fn refusals_become_the_messages_officers_saw_before() {
        let e: ServiceError = Refusal::ClaimedByOther { name: "Budi".into() }.into();
        assert!(matches!(e, ServiceError::Conflict(m) if m.contains("Budi")));
        let e: ServiceError = Refusal::NotSupervisor.into();
        assert!(matches!(e, ServiceError::Forbidden));
        let e: ServiceError = Refusal::NotAllowed(ActionKind::Reject).into();
        assert!(
            matches!(e, ServiceError::Refused(m) if m == WorkflowError::NotAllowed { action: ActionKind::Reject }.to_string())
        );
    }
}
