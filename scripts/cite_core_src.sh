#!/bin/sh
# Replace the "REFERENCES.md section N" citations in crates/core/src by keys of
# docs/references.md, and give the validation cases' source strings their keys
# (docs/validation.md already shows the output after this script).
# Run from the repository root: sh scripts/cite_core_src.sh
# Idempotent: running it twice changes nothing more. Check: cargo test -p microneedling-core --test citations
set -eu
cd "$(dirname "$0")/.."
SRC=crates/core/src

sed -i \
  -e 's|No outcome data for {} in the sources (REFERENCES\.md section 4): no number is given\.|No outcome data for {} in the sources (docs/references.md): no number is given.|' \
  "$SRC/healing/mod.rs"

sed -i \
  -e 's|/// Fields REFERENCES\.md marks uncertain: defaults a user may override\.|/// Fields the sources mark uncertain ([U], docs/references.md): defaults a user may override.|' \
  "$SRC/agent.rs"

sed -i \
  -e 's|"Fernandes (REFERENCES\.md section 2)"|"Fernandes [@fernandes2008]"|' \
  -e 's|^    let source = "Crank, The Mathematics of Diffusion: constant-concentration membrane (REFERENCES\.md section 3)";$|    let source =\n        "Crank, The Mathematics of Diffusion: constant-concentration membrane [@crank1975]";|' \
  -e 's|"Wound-healing timeline (REFERENCES\.md section 4; Segal et al\. 2012)"|"Wound-healing timeline [@secondary-healing]; Segal et al. 2012 [@segal2012]"|' \
  -e 's|"Kalluri, Kolli \& Banga, AAPS J 2011;13:473"|"Kalluri, Kolli \& Banga, AAPS J 2011;13:473 [@kalluri2011]"|' \
  -e 's|"Lima, Lima \& Takano, Surg Cosmet Dermatol 2013;5:110"|"Lima, Lima \& Takano, Surg Cosmet Dermatol 2013;5:110 [@lima2013]"|' \
  -e 's|"Gupta et al\. 2011; Brogden group 2021"|"Gupta et al. 2011 [@gupta2011]; Brogden group 2021 [@brogden2021]"|' \
  -e 's|"Gupta et al\. 2011 (longer needles reseal more slowly); Davidson et al\. 2008"|"Gupta et al. 2011 [@gupta2011] (longer needles reseal more slowly); Davidson et al. 2008 [@davidson2008]"|' \
  -e 's|"Davidson, Al-Qallaf \& Das, Chem Eng Res Des 2008;86:1196"|"Davidson, Al-Qallaf \& Das, Chem Eng Res Des 2008;86:1196 [@davidson2008]"|' \
  -e 's|"J Drug Target 2010;18:15 (10\.54-fold)"|"J Drug Target 2010;18:15 [@you2010] (10.54-fold)"|' \
  "$SRC/validation.rs"

if grep -rn 'REFERENCES\.md' "$SRC"; then
  echo "cite_core_src.sh: REFERENCES.md citations remain (above)" >&2
  exit 1
fi
echo "cite_core_src.sh: done"
