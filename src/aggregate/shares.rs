//! The shapes every section gives its counts: percentages (one decimal or
//! whole), countries sorted and shared, months labelled, the three
//! categories of citizenship. A leaf: `mod.rs`, `sections` and `compare`
//! all use it, it uses none of them.

use crate::dates::{month_name, month_short};
use crate::reference::{Category, Countries, CountryId};

use super::model::{
    ByCategory, CategoryPct, CountryCount, MonthCount, Other, OtherCountries, ReferralCount, Residence, Users,
};

/// Percentage with one decimal; 0 when the total is 0.
pub fn pct(n: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { (n as f64 * 1000.0 / total as f64).round() / 10.0 }
}

/// Whole percentage (half up); 0 when the total is 0. For what is shown
/// without decimals: rounding [`pct`]'s tenth again would round twice
/// (52,49 → 52,5 → 53).
pub fn pct_whole(n: u64, total: u64) -> u64 {
    if total == 0 { 0 } else { (n * 200 + total) / (2 * total) }
}

/// Whole percentages of each count of a map over the map's sum.
pub(super) fn whole_shares(
    counts: &std::collections::BTreeMap<String, u64>,
) -> std::collections::BTreeMap<String, u64> {
    let sum = counts.values().sum();
    counts.iter().map(|(k, &n)| (k.clone(), pct_whole(n, sum))).collect()
}

/// How many countries the users' chart shows one by one at most (the last
/// bar then groups the rest).
pub const USER_COUNTRIES_SHOWN: usize = 25;

/// Country counts sorted by count descending, then name.
pub fn country_counts(counts: &[(u32, u64)], total: Option<u64>) -> Vec<CountryCount> {
    let c = Countries::get();
    let mut v: Vec<CountryCount> = counts
        .iter()
        .map(|&(id, n)| {
            let country = c.country(id as CountryId);
            CountryCount {
                country: country.name.clone(),
                iso2: country.iso2.clone(),
                count: n,
                share: total.map(|t| pct(n, t)),
            }
        })
        .collect();
    v.sort_by(|a, b| {
        b.count.cmp(&a.count).then_with(|| crate::text::fold(&a.country).cmp(&crate::text::fold(&b.country)))
    });
    v
}

/// The accesses' countries split at `threshold`: those shown one by one
/// (sorted as given), and «altro», the rest by name with its sum.
pub fn split_other(by_country: &[CountryCount], threshold: u32, total: u64) -> (Vec<CountryCount>, Other) {
    let (main, mut other): (Vec<_>, Vec<_>) = by_country.iter().cloned().partition(|c| c.count >= u64::from(threshold));
    other.sort_by_key(|c| crate::text::fold(&c.country));
    let count: u64 = other.iter().map(|c| c.count).sum();
    let countries = other.into_iter().map(|c| CountryCount { share: None, ..c }).collect();
    (main, Other { threshold, count, share: pct(count, total), countries })
}

/// The users' countries as the chart shows them: at most
/// [`USER_COUNTRIES_SHOWN`] bars, the last grouping the rest.
pub fn split_user_countries(by_country: &[CountryCount], total: u64) -> (Vec<CountryCount>, Option<OtherCountries>) {
    if by_country.len() > USER_COUNTRIES_SHOWN {
        let rest = &by_country[USER_COUNTRIES_SHOWN - 1..];
        let count = rest.iter().map(|c| c.count).sum();
        let grouped = OtherCountries { countries: rest.len(), count, share: pct(count, total) };
        (by_country[..USER_COUNTRIES_SHOWN - 1].to_vec(), Some(grouped))
    } else {
        (by_country.to_vec(), None)
    }
}

/// The three categories' percentages of the users: of `total` with one
/// decimal, and whole of their own sum.
pub fn category_shares(c: &ByCategory, total: u64) -> (CategoryPct, ByCategory) {
    let sum = c.italian + c.eu + c.non_eu;
    (
        CategoryPct { italian: pct(c.italian, total), eu: pct(c.eu, total), non_eu: pct(c.non_eu, total) },
        ByCategory { italian: pct_whole(c.italian, sum), eu: pct_whole(c.eu, sum), non_eu: pct_whole(c.non_eu, sum) },
    )
}

/// The users' section from its counts: the shares, the chart's countries
/// and the residence as given; no year-earlier comparison yet.
pub fn users_shaped(
    total: u64,
    new: u64,
    by_category: ByCategory,
    by_gender: std::collections::BTreeMap<String, u64>,
    by_country: Vec<CountryCount>,
    residence: Residence,
) -> Users {
    let (main_countries, other_countries) = split_user_countries(&by_country, total);
    let (by_category_pct, by_category_whole_pct) = category_shares(&by_category, total);
    Users {
        total,
        new,
        by_category_pct,
        by_category_whole_pct,
        by_category,
        by_gender_whole_pct: whole_shares(&by_gender),
        by_gender,
        by_country,
        main_countries,
        other_countries,
        residence,
        previous: None,
    }
}

/// Referrals by count, most first; «not given» sorts where its words
/// "non indicato" would.
pub fn sort_referrals(v: &mut [ReferralCount]) {
    v.sort_by(|a, b| {
        let name = |r: &ReferralCount| r.source.clone().unwrap_or_else(|| "non indicato".into());
        b.count.cmp(&a.count).then_with(|| name(a).cmp(&name(b)))
    });
}

/// The accesses of each of `months` (`(year, month)`), from counts keyed by
/// `year * 12 + month - 1`; labels carry the year when the months run over
/// more than twelve or across years.
pub fn month_counts(months: &[(i32, u32)], counts: &[(u32, u64)]) -> Vec<MonthCount> {
    let many_months = months.len() > 12;
    let many_years = months.first().map(|m| m.0) != months.last().map(|m| m.0);
    months
        .iter()
        .map(|&(y, m)| {
            let key = crate::dates::month_key(y, m);
            let count = counts.iter().filter(|(k, _)| *k == key).map(|(_, n)| n).sum();
            MonthCount {
                month: format!("{y}-{m:02}"),
                label: format!("{} {y}", month_name(m)),
                axis_label: if many_months {
                    format!("{} {:02}", month_short(m), y.rem_euclid(100))
                } else {
                    month_short(m).to_string()
                },
                name: if many_years { format!("{} {y}", month_name(m)) } else { month_name(m).to_string() },
                count,
            }
        })
        .collect()
}

/// Italiani / Comunitari / Extracomunitari of country counts at a date.
pub fn categories(counts: &[(u32, u64)], at: chrono::NaiveDate) -> ByCategory {
    let c = Countries::get();
    let mut out = ByCategory::default();
    for &(id, n) in counts {
        match c.category(id as CountryId, at) {
            Category::Italian => out.italian += n,
            Category::Eu => out.eu += n,
            Category::NonEu => out.non_eu += n,
        }
    }
    out
}

/// Counts by gender code ([`Gender::key`](crate::registers::Gender::key))
/// as the report's map, one entry for each of `keys` (code, name), zeros
/// included: the one gender map of accesses and users.
pub fn gender_counts(counts: &[(u32, u64)], keys: &[(u32, &str)]) -> std::collections::BTreeMap<String, u64> {
    keys.iter()
        .map(|&(code, name)| (name.to_string(), counts.iter().filter(|(g, _)| *g == code).map(|(_, n)| n).sum()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{pct, pct_whole};

    #[test]
    fn whole_percentages_are_rounded_once() {
        // 95 of 181 is 52.486%: one decimal says 52.5, but the whole number is 52.
        assert_eq!(pct(95, 181), 52.5);
        assert_eq!(pct_whole(95, 181), 52);
        assert_eq!(pct_whole(1, 2), 50);
        assert_eq!(pct_whole(1, 8), 13); // 12.5 rounds half up
        assert_eq!(pct_whole(3, 0), 0);
    }
}
