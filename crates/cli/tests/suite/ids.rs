//! Ids made by one app sort in the order they were made, even within one millisecond, so the
//! events of one transaction read back in order (SYS-1).

use tradeport_testkit::{DbKind, TestApp};

#[tokio::test]
async fn ids_made_in_the_same_millisecond_sort_in_the_order_they_were_made() {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let ids: Vec<String> = (0..5000).map(|_| app.app.new_uuid().to_string()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(ids.iter().collect::<std::collections::BTreeSet<_>>().len(), 5000, "all distinct");
}
