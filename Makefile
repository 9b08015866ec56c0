# Linktor WebChat. The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm

.PHONY: run build web web-deps test smtp-venv test-rust test-web test-e2e test-angular test-contract services types bench bench-load bench-weight clean

## Build everything (web assets embedded) and run the server on SQLite.
run: build
	./target/release/linktor serve

## The release binary with the web assets inside: target/release/linktor
build: web
	$(CARGO) build --release -p linktor

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	cd web && $(NPM) ci --no-audit --no-fund

web-deps: web/node_modules/.package-lock.json

## Built web assets (web/*/dist), embedded by the next cargo build.
web: web-deps
	cd web && $(NPM) run build

## Every test: Rust (SQLite, PostgreSQL, NATS), widget unit tests, browser end-to-end tests.
test: services web
	$(CARGO) build -p linktor
	$(MAKE) --no-print-directory smtp-venv test-rust test-contract test-web test-e2e test-angular

test-rust: smtp-venv
	$(CARGO) test --workspace --no-fail-fast

## The SMTP server the email tests send to: aiosmtpd, pinned, in target/smtp-venv.
smtp-venv:
	scripts/smtp/ensure-venv.sh

## The API contract: schemathesis (pinned, in target/contract-venv) against a live server and its /v1/openapi.json.
test-contract:
	scripts/contract/run.sh

test-web:
	cd web && $(NPM) test

test-e2e:
	cd web && $(NPM) run test:e2e -w e2e
	cd web && $(NPM) run test:packages

## Angular has its own toolchain (TypeScript 5.9) and lockfile, outside the npm workspaces.
test-angular:
	cd web/angular && $(NPM) ci --no-audit --no-fund && $(NPM) test && $(NPM) run test:e2e

## PostgreSQL and NATS, started with the machine's own commands when they are down.
services:
	@scripts/ensure-services.sh

## Regenerate web/protocol (TypeScript) from the Rust types in linktor-core.
types:
	LINKTOR_UPDATE_TYPES=1 $(CARGO) test -q -p linktor-core typescript_types_are_fresh

bench: bench-load bench-weight

bench-load:
	$(CARGO) build --release -p linktor -p linktor-bench
	./target/release/linktor-bench

bench-weight: web
	$(CARGO) build -p linktor
	cd web && $(NPM) run bench -w widget

clean:
	$(CARGO) clean
	rm -rf web/node_modules web/*/dist web/angular/node_modules
