//! `integra init`, and the conventions of the command line (completions, man page).

use crate::harness::Integra;

#[test]
fn init_makes_a_folder_that_validates_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nuovo");
    Integra::new().args(["init"]).arg_path(&dir).run().code_is(0);
    for f in ["centro.toml", "accessi.csv", "utenti.csv", "corsi.csv", "storico.csv", "note/LEGGIMI.md"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let header = std::fs::read_to_string(dir.join("utenti.csv")).unwrap();
    assert!(header.contains("id;data_presa_in_carico;data_chiusura;genere;paese;comune_residenza;senza_dimora"));
    // Empty registers are valid registers.
    Integra::new().args(["validate", "--data"]).arg_path(&dir).run().code_is(0);
    // A second init changes nothing and says why.
    std::fs::write(dir.join("accessi.csv"), "dati preziosi").unwrap();
    let run = Integra::new().args(["init"]).arg_path(&dir).run().code_is(2);
    assert!(run.stderr().contains("non sovrascrivo"), "{}", run.stderr());
    assert_eq!(std::fs::read_to_string(dir.join("accessi.csv")).unwrap(), "dati preziosi");
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let run = Integra::new().args(["completions", shell]).run().code_is(0);
        for cmd in ["validate", "report", "init", "period", "annota"] {
            assert!(run.stdout().contains(cmd), "{shell}: {cmd} missing");
        }
    }
    let man = Integra::new().args(["man"]).run().code_is(0).stdout();
    assert!(man.contains(".TH integra 1") && man.contains("validate") && man.contains("quiet"), "{man}");
    Integra::new().args(["completions", "cmd.exe"]).run().code_is(2);
}
