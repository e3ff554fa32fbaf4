//! The signed-in officer the back-office services act for: their office and roles.

use crate::auth::sessions::SessionSubject;
use crate::auth::sessions::SubjectKind;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use izinkes_domain::roles::Role;

/// An officer acting at a desk.
#[derive(Clone, Debug)]
pub struct Officer {
    pub id: String,
    pub name: String,
    pub office_id: String,
    pub roles: Vec<Role>,
}

impl Officer {
    pub fn from_subject(s: &SessionSubject) -> ServiceResult<Officer> {
        match (s.kind, &s.office_id) {
            (SubjectKind::Officer, Some(office)) => Ok(Officer {
                id: s.id.clone(),
                name: s.name.clone(),
                office_id: office.clone(),
                roles: s.roles.clone(),
            }),
            _ => Err(ServiceError::Forbidden),
        }
    }
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Heads of section, division and office, and the admin, supervise the desks.
    pub fn is_supervisor(&self) -> bool {
        self.roles.iter().any(|r| r.is_supervisor())
    }
}
