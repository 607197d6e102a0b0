//! Core over real HTTP against a fresh PostgreSQL database per test: one
//! test binary (one link of the service and its dependencies) for every
//! area of the GraphQL API. The abuse limits run in a binary of their own
//! (`tests/abuse_limits.rs`: they resize the process's password-hashing gate).

mod access_matrix;
mod accounts;
mod alerts;
mod audit;
mod boundary;
mod catalogue;
mod editing;
mod employees;
mod import_original;
mod ledger;
mod operations;
mod ordering;
mod pick_list;
mod price_board;
mod pricing;
mod read_models;
mod recovery;
mod sdl;
mod sessions;
mod standing;
mod subscriptions;
mod support;
mod validated_documents;
