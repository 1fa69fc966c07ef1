//! Tiny library crate so the example workspace has more than one member
//! (cargo-chef has to cook the dependency graph of the whole workspace).

/// Returns the greeting printed by the `hello` binary.
pub fn greeting(name: &str) -> String {
    format!("hello from muslrust-chef, {name}!")
}

#[cfg(test)]
mod tests {
    use super::greeting;

    #[test]
    fn greets_by_name() {
        assert_eq!(greeting("world"), "hello from muslrust-chef, world!");
        assert_eq!(greeting("musl"), "hello from muslrust-chef, musl!");
    }
}
