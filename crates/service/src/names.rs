//! People by name (issue 12 item 6): the one read model that turns the user ids records keep
//! (actor, signer, physician, `entered_by`…) into the display names pages, documents and exports
//! show. Users are read by the ids asked for (`Store::get_many`), never the whole table.

use crate::{Service, ServiceError};
use secretome_domain::site::User;
use std::collections::{BTreeMap, BTreeSet};

/// Display names of some users, by user id. An id with no user (a system actor such as `demo` or
/// an unknown id) is shown as itself.
#[derive(Debug, Clone, Default)]
pub struct Names(BTreeMap<String, String>);

impl Names {
    /// The display name of `id`, or `id` itself when no such user is known.
    pub fn of<'a>(&'a self, id: &'a str) -> &'a str {
        self.0.get(id).map(String::as_str).unwrap_or(id)
    }
    /// How many users were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Names {
    /// The display names of these users.
    pub(crate) fn of_users(users: Vec<User>) -> Names {
        Names(
            users
                .into_iter()
                .map(|u| (u.id.to_string(), u.display_name))
                .collect(),
        )
    }
}

/// The distinct ids of `ids` that are not blank, in order.
pub(crate) fn wanted<I, S>(ids: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let set: BTreeSet<String> = ids
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    set.into_iter().collect()
}

impl Service {
    /// The display names of the users with these ids (duplicates and blanks ignored).
    pub async fn names<I, S>(&self, ids: I) -> Result<Names, ServiceError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids = wanted(ids);
        if ids.is_empty() {
            return Ok(Names::default());
        }
        Ok(Names::of_users(self.store.fetch_many::<User>(&ids).await?))
    }

    /// The display name of one user (the id itself when unknown).
    pub async fn name_of(&self, id: &str) -> Result<String, ServiceError> {
        Ok(self.names([id]).await?.of(id).to_string())
    }
}

/// The people a deviation names: who opened, assessed and decided it.
pub fn deviation_people(d: &secretome_domain::qc::Deviation) -> Vec<String> {
    std::iter::once(&d.opened_by)
        .chain(d.assessed_by.iter())
        .chain(d.decided_by.iter())
        .map(|u| u.to_string())
        .collect()
}

/// The people a test result names: who entered it, and who entered and replaced each earlier one.
pub fn result_people(r: &secretome_domain::qc::TestResult) -> Vec<String> {
    std::iter::once(r.entered_by.to_string())
        .chain(
            r.history
                .iter()
                .flat_map(|p| [p.entered_by.to_string(), p.replaced_by.to_string()]),
        )
        .collect()
}

impl crate::qc::LotQc {
    /// Everyone this lot's QC record names: results, their history, deviations, the decision.
    pub fn people(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .rows
            .iter()
            .filter_map(|r| r.result.as_ref())
            .flat_map(result_people)
            .collect();
        all.extend(self.deviations.iter().flat_map(deviation_people));
        all.extend(self.lot.decided_by.iter().map(|u| u.to_string()));
        all
    }
}
