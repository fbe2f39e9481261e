//! `lk import` (SPEC B4): CSV files of the registry checked by the API's rules, every refused
//! row reported by line and field, nothing of a refused row written, a dry run writing nothing.

use lk_server::import::{import_csv, ImportKind};
use lk_server::progress::Quiet;

use crate::helpers::*;

const BRANCHES: &str = "\u{feff}code;name;address;phone;email;hours\n\
    kirsanov;Кирсановское отделение;г. Кирсанов, ул. Советская, д. 1;+7 (47537) 3-00-00;kirsanov@example.ru;Пн–Пт 8–17\n";
const TARIFFS: &str = "code,name,scheme,zone,valid_from,band_from_kwh,price\n\
    t2,Две зоны,two_zone,day,2025-07-01,,7.04\n\
    t2,Две зоны,two_zone,night,2025-07-01,,3.89\n\
    bad,Плохой,single,single,2025-07-01,,6.123456\n";
const ACCOUNTS: &str = "number;holder_name;address;branch_code;contract_number;contract_date;tariff_code;residents;opening_balance\n\
    683000000001;Орлова Нина;г. Кирсанов;kirsanov;К-1;2020-01-01;t2;2;-10.00\n\
    68-30;Без номера;г. Кирсанов;kirsanov;К-2;2020-01-01;t2;1;\n\
    683000000003;Нет отделения;г. Кирсанов;nowhere;К-3;2020-01-01;t2;1;\n\
    683000000004;\"Кавычки; и точка с запятой\";г. Кирсанов;kirsanov;К-4;2020-01-01;t2;много;\n";
const METERS: &str = "account_number;serial;model;scheme;digits;active\n683000000001;K-0001;Меркурий;two_zone;6;да\n";
const READINGS: &str = "account_number;meter_serial;taken_on;day;night\n683000000001;K0001;2026-10-20;1200;700\n683000000001;K0001;2026-09-20;1000;x\n";
const PAYMENTS: &str = "id;channel;account_number;amount;paid_on\nP-1;post;683000000001;500.00;2026-11-02\nP-2;bank;683000000001;0;2026-11-02\n";

each_backend! {
    async fn csv_files_import_row_by_row_and_report_each_refused_row(backend: Backend) {
        let (store, _dir) = fresh_store(backend).await;
        store.migrate().await.expect("migrate");
        let import = |kind, text: &'static str, dry_run| {
            let store = store.clone();
            async move { import_csv(store.as_ref(), kind, text, dry_run, &mut Quiet).await.expect("import") }
        };
        // A dry run checks references too and writes nothing.
        let dry = import(ImportKind::Accounts, ACCOUNTS, true).await;
        assert!(dry.dry_run && dry.created == 0 && dry.refused == 4, "{dry}");
        assert!(dry.errors.iter().any(|e| e.line == 2 && e.code == "unknown_branch"), "{dry}");

        let r = import(ImportKind::Branches, BRANCHES, false).await;
        assert_eq!((r.rows, r.created, r.refused), (1, 1, 0), "{r}");
        let r = import(ImportKind::Tariffs, TARIFFS, true).await;
        assert_eq!((r.rows, r.created, r.refused), (3, 1, 1), "{r}");
        let r = import(ImportKind::Tariffs, TARIFFS, false).await;
        assert_eq!((r.rows, r.created, r.refused), (3, 1, 1), "a two-row plan is one item: {r}");
        assert_eq!(r.errors.len(), 1);
        assert_eq!((r.errors[0].line, r.errors[0].field.as_str()), (4, "rates[0].price"), "{r}");

        let r = import(ImportKind::Accounts, ACCOUNTS, false).await;
        assert_eq!((r.rows, r.created, r.refused), (4, 1, 3), "{r}");
        let errors: Vec<(u64, &str, &str)> = r.errors.iter().map(|e| (e.line, e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(errors, [
            (3, "number", "invalid_account_number"),
            (4, "branch_code", "unknown_branch"),
            (5, "residents", "invalid_type"),
        ], "{r}");
        let shown = r.to_string();
        assert!(shown.contains("line 3, number: Номер лицевого счёта") && shown.ends_with("4 row(s): 1 created, 0 updated, 0 unchanged, 3 refused"), "{shown}");
        // Refused rows wrote nothing; the good one is there, with its opening balance.
        assert!(store.account_id_by_number("683000000003").await.expect("db").is_none());
        let id = store.account_id_by_number("683000000001").await.expect("db").expect("imported");
        assert_eq!(store.account_brief(id).await.expect("db").expect("account").1, -1000);

        let r = import(ImportKind::Meters, METERS, false).await;
        assert_eq!((r.created, r.refused), (1, 0), "{r}");
        let r = import(ImportKind::Readings, READINGS, false).await;
        assert_eq!((r.created, r.refused), (1, 1), "{r}");
        assert_eq!((r.errors[0].line, r.errors[0].field.as_str()), (3, "values[1].value"), "{r}");
        let r = import(ImportKind::Payments, PAYMENTS, false).await;
        assert_eq!((r.created, r.refused), (1, 1), "{r}");
        assert_eq!(store.account_brief(id).await.expect("db").expect("account").1, -1000 + 50_000);

        // The same files again change nothing.
        for (kind, text) in [(ImportKind::Branches, BRANCHES), (ImportKind::Meters, METERS), (ImportKind::Readings, READINGS), (ImportKind::Payments, PAYMENTS)] {
            let r = import(kind, text, false).await;
            assert_eq!((r.created, r.updated), (0, 0), "{kind:?} again: {r}");
        }
        assert_eq!(store.account_brief(id).await.expect("db").expect("account").1, 49_000);

        // A file of another kind is refused before anything is read.
        let err = import_csv(store.as_ref(), ImportKind::Meters, ACCOUNTS, false, &mut Quiet).await.expect_err("columns");
        assert!(err.to_string().contains("unknown column \"number\""), "{err}");
    }
}
