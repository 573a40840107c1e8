"""The offline grader's reading rules (bot/core/grading/), each on a hand-written key point and
sentences written for the test: what a negation denies, how big-O notation and articles are read,
and a relation said both ways in one sentence. Each case failed before its rule was added."""

from __future__ import annotations

import pytest

from bot.core.grading import CONTRADICTED, STATED, parse_key_terms
from bot.core.grading.claims import read_sentence, sentences
from bot.core.grading.feedback import MISSING
from bot.core.grading.grader import point_verdict
from bot.core.grading.language import tokens


def verdict(point: str, terms: str, answer: str, asked: str = "") -> str:
    read = [read_sentence(s) for s in sentences(answer)[0]]
    return point_verdict(point, parse_key_terms(terms), read, asked).verdict


SKEW = ("I found the root cause, training-serving skew.", "root cause | cause; skew | drift")


@pytest.mark.parametrize(("answer", "expected"), [
    ("The root cause was training-serving skew.", STATED),
    # a negation reaches past fillers ("really", "a") to the idea it denies
    ("We never really pinned down a root cause, it was training-serving skew I guess.", CONTRADICTED),
    # a negation with nothing of the point after it denies the term it follows
    ("The root cause is something else; training-serving skew isn't it.", CONTRADICTED),
])
def test_what_a_negation_denies(answer: str, expected: str) -> None:
    assert verdict(*SKEW, answer) == expected


def test_a_negation_denies_every_mention_of_the_idea_in_its_reach() -> None:
    """"aren't RAII wrappers": both words name the idea, and both are denied."""
    point = "std::unique_ptr and std::vector are RAII wrappers for memory."
    terms = "unique_ptr | vector; raii | wrapper | manage"
    assert verdict(point, terms, "unique_ptr and vector are RAII wrappers that manage memory.") == STATED
    assert verdict(point, terms, "unique_ptr and vector aren't RAII wrappers, you free them by hand.") == CONTRADICTED


def test_big_o_notation_is_one_expression() -> None:
    """A key term "O(n)" is not found in "O(n log n)" or "O(n^2)", and a wrong complexity is flagged."""
    assert tokens("O(n log n) then O(N^2)")[:1] == ["o(nlogn)"]
    point = "Counting with a hash map takes O(n) time."
    terms = "hash map | dictionary; count; o(n) | linear ! o(n log n) | o(n^2) | quadratic"
    assert verdict(point, terms, "Counting with a hash map is O(n) overall.") == STATED
    assert verdict(point, terms, "Counting with a hash map is O(n log n) because of collisions.") == CONTRADICTED
    assert verdict(point, terms, "Counting with a dictionary is O(n^2) in the worst case.") == CONTRADICTED


def test_a_term_is_found_with_articles_between_its_words() -> None:
    point = "RMSNorm drops the mean subtraction, which is cheaper."
    terms = "rmsnorm; without centering | no mean | drops the mean; cheaper | faster"
    assert verdict(point, terms, "RMSNorm is LayerNorm without the centering, so it is cheaper.") == STATED


def test_a_relation_said_both_ways_is_read_clause_by_clause() -> None:
    """The point names both directions; a sentence swapping them is not credited."""
    point = "Large C penalises violations and risks overfitting, while small C allows a wider margin."
    terms = "c ~ large | high ! small | low; overfit | narrow | penali ! underfit | wide | allow"
    assert verdict(point, terms, "A large C punishes violations hard and tends to overfit, while a small C "
                                 "gives a wider margin.") == STATED
    assert verdict(point, terms, "Small C penalises violations heavily and risks overfitting, while large C "
                                 "allows more violations for a wider margin.") != STATED


def test_low_and_high_read_as_lower_and_higher() -> None:
    """"low variance" says the same direction as "lower variance"."""
    point = "Deep trees have low bias but high variance, so they overfit."
    terms = "deep tree | deep trees; variance ~ higher | overfit"
    assert verdict(point, terms, "Deep trees have low bias but high variance.") == STATED
    assert verdict(point, terms, "Deep trees have high bias but low variance, so they rarely overfit.") in (
        CONTRADICTED, MISSING)


def test_a_direction_the_point_states_binds_its_terms() -> None:
    """Key terms without a `~` relation: the point's own text says which way each idea goes ("more
    data *reduces* variance"), and a sentence saying the other way is not credited; the converse (every
    idea turned round) is not a contradiction."""
    point = "Raising the decision threshold increases precision and lowers recall."
    terms = "threshold; precision; recall"
    assert verdict(point, terms, "If you raise the threshold, precision goes up and recall drops.") == STATED
    assert verdict(point, terms, "Raising the threshold increases recall and lowers precision.") == CONTRADICTED
    assert verdict(point, terms, "Lowering the threshold decreases precision and increases recall.") == STATED
    # one word turning two ideas is one turn, not the converse
    cost = ("Downsampling negatives cuts training cost and storage.", "downsampl; cost | storage")
    assert verdict(*cost, "Downsampling the negatives cuts the training cost a lot.") == STATED
    assert verdict(*cost, "Downsampling negatives boosts training cost and storage.") == CONTRADICTED
    data = ("Adding more training data reduces variance.", "more data | more examples; variance")
    assert verdict(*data, "With more data the variance of the model drops.") == STATED
    assert verdict(*data, "More data increases the variance of the model.") == CONTRADICTED


def test_a_figure_other_than_the_points_contradicts_it() -> None:
    """Key terms without the number: a sentence stating the point with its own figure next to the
    point's terms, and none of the point's, is not credited; the point's figure is."""
    point = "Use a significance level of 0.05 and 80 percent power."
    terms = "significance | alpha; power"
    assert verdict(point, terms, "I'd set alpha to 0.05 with 80 percent power.") == STATED
    assert verdict(point, terms, "I'd set alpha to 0.1 with 90 percent power.") == CONTRADICTED
    # one figure changed, the other kept: the changed one is next to its idea
    assert verdict(point, terms, "I'd set alpha to 0.1 with 80 percent power.") == CONTRADICTED


def test_a_pronoun_after_the_other_side_does_not_leave_the_subject_implied() -> None:
    """A point on PR-AUC (`pr-auc ! roc`) in a question naming PR-AUC: "It" right after a sentence on
    ROC-AUC is ROC-AUC, so the question's subject is not taken as implied."""
    point = "PR-AUC directly reflects false positives, so it exposes poor performance on rare positives."
    terms = "pr-auc | pr auc ! roc | roc-auc; false positive; reflect | sensitiv | expose"
    asked = "Why can PR-AUC be more informative than ROC-AUC when positives are rare?"
    assert verdict(point, terms, "Precision drops with every false positive, which is sensitive to rare "
                                 "positives.", asked) == STATED
    assert verdict(point, terms, "ROC-AUC is the fraction of correct examples. It's highly sensitive to "
                                 "prevalence and shows the false positives.", asked) != STATED


def test_a_direction_about_something_the_terms_do_not_name_is_kept() -> None:
    """"more expensive" in a point whose terms name neither "expensive" nor a direction: a sentence with
    the point's terms and only the other direction ("less expensive") is not credited."""
    point = "Reference counts are atomic, so copying a shared_ptr is more expensive than a raw pointer."
    terms = "shared_ptr; atomic; copy"
    assert verdict(point, terms, "Copying a shared_ptr costs more than a raw pointer since the count is atomic.") == STATED
    assert verdict(point, terms, "Copying a shared_ptr is less expensive since the count is atomic.") == CONTRADICTED


def test_a_pair_swapped_between_ideas_contradicts_the_point() -> None:
    """The point puts each side of a pair next to its own idea; a sentence putting each side next to
    the other idea ("an online store for training") is not credited."""
    point = "A feature store serves features from an offline store for training and an online store for serving."
    terms = "feature store; offline store | batch store; online store | low-latency store"
    assert verdict(point, terms, "The feature store keeps an offline store used for training and an online "
                                 "store used for serving.") == STATED
    assert verdict(point, terms, "The feature store keeps an online store used for training and an offline "
                                 "store used for serving.") == CONTRADICTED


def test_non_denies_the_term_it_prefixes() -> None:
    """"non-linear" holds the token "linear" but says the opposite of it."""
    point = "Linear models need numeric features standardized."
    terms = "linear; standardi | scal | normaliz"
    assert verdict(point, terms, "Linear models need their numeric features standardized.") == STATED
    assert verdict(point, terms, "Non-linear models need their numeric features standardized.") == CONTRADICTED



def test_a_pronoun_subject_counts_for_a_contradiction() -> None:
    """"It" refers to the subject named just before, so a sentence saying the point's claim the other
    way about "it" is flagged even though it does not repeat the subject."""
    point = "BatchNorm is unstable with small batches because their statistics are noisy."
    terms = "batchnorm | batch norm; small batch; unstable | noisy"
    answer = "BatchNorm uses the statistics of the batch. It's actually more stable with small batches."
    assert verdict(point, terms, answer) == CONTRADICTED


@pytest.mark.parametrize(("written", "same_as"), [
    ("O(n^2)", "O(n squared)"), ("O(n²)", "O(n squared)"), ("O(m*n)", "O(nm)"), ("O(n times m)", "O(mn)"),
    ("O(V + E)", "O(E+V)"), ("O(N^3)", "O(n cubed)"), ("O(n * k * d)", "O(nkd)"),
])
def test_a_complexity_has_one_spelling(written: str, same_as: str) -> None:
    assert tokens(written)[0] == tokens(same_as)[0]
    assert tokens("O(n log n)")[0] != tokens("O(n)")[0] != tokens("O(n^2)")[0]
    assert "2" not in tokens("O(n^2) time") and tokens("mean squared error") == ["mean", "squared", "error"]


def test_a_complexity_written_another_way_is_not_a_different_figure() -> None:
    """"O(n^2)" for a point that says "O(n squared)": the 2 of the power is no figure of its own, so it is
    not read against the point's other figures (its "O(1)")."""
    point = "The total time is O(n squared) after O(n log n) sorting, with O(1) extra space."
    terms = "n squared | quadratic | o(n^2); sort | n log n; o(1) | constant | no extra | in place"
    assert verdict(point, terms, "It is O(n^2) overall after sorting in n log n, with O(1) extra space.") == STATED
    assert verdict(point, terms, "Overall it is O(n^2), since sorting is only n log n.") == MISSING
    assert verdict(point, terms, "It is O(n^3) overall after sorting in n log n, with O(1) extra space.") != STATED


@pytest.mark.parametrize("answer", [
    "Popularity is an irrelevant issue here, every item gets the same number of neighbours.",
    "You can ignore the popularity issue in item-based CF.",
    "Popularity barely matters for item-based CF.",
])
def test_a_denial_in_plain_words_contradicts(answer: str) -> None:
    """Candidates deny a point without "not": "X is irrelevant", "you can ignore X", "X barely matters"."""
    point = "Popularity bias matters in item-based CF, so co-occurrence is normalised."
    terms = "popular; matter | problem | issue"
    assert verdict(point, terms, "Popularity bias matters in item-based CF.") == STATED
    assert verdict(point, terms, answer) == CONTRADICTED


def test_a_negation_denies_an_idea_joined_by_or() -> None:
    """"doesn't use a Taylor expansion or Hessians" denies the Hessians as well, however far."""
    point = "XGBoost uses a second-order Taylor expansion with Hessians."
    terms = "xgboost; second-order | hessian | taylor"
    assert verdict(point, terms, "XGBoost doesn't use a Taylor expansion or Hessians, it is first order.") == CONTRADICTED
    assert verdict(point, terms, "XGBoost uses a Taylor expansion or, in other words, Hessians.") == STATED


def test_a_contraction_starts_a_new_negation_scope() -> None:
    """"without labels I'd compare the feature distributions": "without" denies the labels only."""
    point = "Feature distributions are compared against the training data."
    terms = "feature; distribution; compare | against | training"
    answer = "For drift without labels I'd compare the feature distributions against the training data."
    assert verdict(point, terms, answer) == STATED


def test_a_loose_direction_is_turned_round_only_about_the_same_thing() -> None:
    """"small gradients" in the point is not turned round by "scales the loss up": a loose direction
    contradicts only when the other side qualifies the same word ("less expensive")."""
    point = "GradScaler multiplies the loss before backward so small fp16 gradients do not underflow."
    terms = "gradscaler | scaler; multipl | scale; underflow"
    answer = "GradScaler scales the loss up before backward so the gradients don't underflow in fp16."
    assert verdict(point, terms, answer) == STATED
    assert verdict(point, terms, "GradScaler scales the loss so big fp16 gradients do not underflow.") == CONTRADICTED


def test_an_idea_the_point_names_both_denied_and_not_may_be_said_either_way() -> None:
    """The point says "concurrent accesses ... are never data races" with both in one group."""
    point = "std::atomic operations are indivisible, so concurrent accesses to the same atomic are never data races."
    terms = "atomic; indivisible | all at once; data race | race | concurrent"
    answer = "std::atomic operations happen as one indivisible step, so it's not a data race."
    assert verdict(point, terms, answer) == STATED


@pytest.mark.parametrize(("term", "token", "expected"), [
    ("depends", "depending", True),
    ("squeezes", "squeezing", True),
    ("rotates", "rotated", True),
    ("parameters", "parameter", False),  # a bare form is not widened: terms are written that way
    ("biased", "bias", False),
    ("class", "classes", True),  # the inflections of a term word, as before
])
def test_a_term_word_matches_other_inflections_of_it(term: str, token: str, expected: bool) -> None:
    from bot.core.grading.terms import word_matches

    assert word_matches(term, token) is expected


@pytest.mark.parametrize(("answer", "expected"), [
    ("Before blaming the idea, sanity checks like overfitting a small batch weren't necessary.", CONTRADICTED),
    ("Before blaming the idea, sanity checks like overfitting a tiny batch are useless.", CONTRADICTED),
    ("Before blaming the idea, sanity checks like overfitting a tiny batch ruled out a bug.", STATED),
    ("Before blaming the idea, sanity checks like overfitting a tiny batch don't work.", CONTRADICTED),
    # an idiom, not a denial
    ("Sanity checks like overfitting a tiny batch come first, no matter what the idea is.", STATED),
])
def test_a_denied_predicate_denies_its_whole_subject(answer: str, expected: str) -> None:
    """"X weren't necessary" denies X however long the subject ("sanity checks like overfitting a small
    batch"), where a negation otherwise reaches only the words right after or before it."""
    point = "To rule out a bug, I ran sanity checks such as overfitting a tiny dataset before blaming the idea."
    terms = "sanity check | overfit; first | before | rule out"
    assert verdict(point, terms, answer) == expected


def test_a_denied_predicate_is_no_counterfactual() -> None:
    """"grows without limit, so recursion depth never matters" is no "without A, never B" counterfactual."""
    point = "The stack is limited in size, so deep recursion can cause stack overflow."
    terms = "stack; limit | small; recursion | overflow"
    assert verdict(point, terms, "The stack grows without limit, so recursion depth never matters.") == CONTRADICTED


def test_a_negation_denies_an_idea_right_after_the_one_it_denies() -> None:
    """"you can't delete lazily" denies the laziness as well as the deleting."""
    point = "Elements leaving the window are deleted lazily, when they reach a heap top."
    terms = "delet | remov; lazy | lazily | later; window"
    assert verdict(point, terms, "For the window you delete lazily, when they reach the top.") == STATED
    assert verdict(point, terms, "In the window you delete old elements, but you can't delete lazily.") == CONTRADICTED


def test_a_negation_reaches_past_need_to_worry_about() -> None:
    point = "Copy assignment must handle self-assignment, which copy-and-swap provides."
    terms = "self-assignment | self assignment; copy-and-swap | copy and swap"
    answer = "Copy assignment doesn't need to worry about self-assignment, copy-and-swap is just style."
    assert verdict(point, terms, answer) == CONTRADICTED
    assert verdict(point, terms, "Copy assignment has to handle self-assignment, which copy-and-swap gives you.") == STATED


def test_a_hyphenated_and_does_not_cut_a_list() -> None:
    """"copy-and-swap" is one word, not the items "copy" and "swap" of a list."""
    from bot.core.grading.claims import clauses

    found = clauses("Copy assignment has to handle self-assignment, which copy-and-swap gives you.")
    assert not any(c.is_list for c in found)


@pytest.mark.parametrize(("answer", "expected"), [
    ("Under autocast the matmuls go to fp16, while softmax and the loss are kept in fp32.", STATED),
    ("Under autocast everything goes to fp16, softmax included; only the matmuls are kept in fp32.", CONTRADICTED),
])
def test_two_sides_each_next_to_the_others_idea_contradict(answer: str, expected: str) -> None:
    """Groups naming the two sides of a comparison (a wrong alternative of each other, or figures of one
    kind such as fp16 / fp32 or two complexities) keep the ideas the point puts next to each."""
    point = "Inside autocast, matmuls run in fp16, while sensitive ops such as softmax and losses run in fp32."
    terms = "autocast; fp16 | half; matmul | conv; fp32 | float32; softmax | loss"
    assert verdict(point, terms, answer) == expected


@pytest.mark.parametrize(("term", "token"), [("larger", "largest"), ("bigger", "biggest"), ("higher", "highest")])
def test_a_comparative_term_matches_its_superlative(term: str, token: str) -> None:
    from bot.core.grading.terms import word_matches

    assert word_matches(term, token)


def test_a_multi_word_term_is_found_across_an_adverb() -> None:
    point = "In stage two the projector and the LLM are updated while the vision encoder stays frozen."
    terms = "projector; llm; vision encoder stays frozen | vision encoder frozen"
    answer = "In stage two the projector and the LLM are both updated but the vision encoder still stays frozen."
    assert verdict(point, terms, answer) == STATED


def test_numbers_are_read_as_a_point_writes_them() -> None:
    """"32,768" is one number and "3x3" reads "3 by 3"; "w.r.t." does not end a sentence."""
    assert tokens("32,768 tokens and a 3x3 conv") == ["32768", "tokens", "and", "a", "3", "by", "3", "conv"]
    assert len(sentences("The gradient w.r.t. 100 inputs is computed once per step.")[0]) == 1
