//! Every tag nnlab logs, named once here (the report and the tests use these functions too).
//!
//! TensorBoard groups cards by the part of a tag before its first `/` and orders groups by name,
//! digits before letters, expanding only the first two. So the curves a student looks at first sit
//! in `0_main` (loss, then validation and test error), training health in `1_health`, images in
//! `2_images`, and each monitored quantity is a group of its own, `conv1.weights`, holding its
//! histogram and its `conv1.weights/min`, `/max`, `/mean`, `/std`.

pub const TRAIN_LOSS: &str = "0_main/1_train_loss";
pub const VALIDATION_ERROR: &str = "0_main/2_validation_error";
pub const TEST_ERROR: &str = "0_main/3_test_error";
pub const VALIDATION_ACCURACY: &str = "0_main/4_validation_accuracy";
pub const TRAIN_ACCURACY: &str = "0_main/4_train_accuracy";
pub const TEST_ACCURACY: &str = "0_main/5_test_accuracy";

/// Images.
pub const INPUTS: &str = "2_images/inputs";
pub const FILTERS: &str = "2_images/conv1_filters";
pub const CONFUSION: &str = "2_images/confusion_matrix";
pub const MISCLASSIFIED: &str = "2_images/misclassified";
pub const DATA: &str = "2_images/data";
pub const BOUNDARY: &str = "2_images/decision_boundary";

/// The configuration as text.
pub const CONFIG: &str = "config";

/// The statistics logged beside each histogram, in this order.
pub const STATISTICS: [&str; 4] = ["min", "max", "mean", "std"];

/// The histogram of `quantity` ("weights", "biases", "net_inputs", "activations", "pooled") at `layer`.
pub fn histogram(layer: &str, quantity: &str) -> String {
    format!("{layer}.{quantity}")
}

/// A statistic of that histogram ("conv1.weights/mean").
pub fn statistic(layer: &str, quantity: &str, stat: &str) -> String {
    format!("{}/{stat}", histogram(layer, quantity))
}

/// A training-health value of a layer: "gradient_norm", "dead_units", "saturated_units".
pub fn health(layer: &str, what: &str) -> String {
    format!("1_health/{layer}_{what}")
}

/// The precision-recall curve of one digit (one-vs-rest, test set); the PR Curves tab shows the ten
/// as cards of one section.
pub fn pr_curve(digit: usize) -> String {
    format!("pr_test/digit_{digit}")
}

/// The projector's embedding of fc1's activations.
pub const EMBEDDING: &str = "fc1_activations";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_scalars_sort_first_in_their_section() {
        let main = [TRAIN_LOSS, VALIDATION_ERROR, TEST_ERROR, VALIDATION_ACCURACY, TEST_ACCURACY];
        assert!(main.iter().all(|t| t.starts_with("0_main/")));
        let mut sorted = main;
        sorted.sort();
        assert_eq!(sorted, main, "TensorBoard sorts tags by name: loss, errors, then accuracies");
    }

    #[test]
    fn per_layer_tags_are_built_one_way() {
        assert_eq!(histogram("conv1", "weights"), "conv1.weights");
        assert_eq!(statistic("conv1", "weights", "mean"), "conv1.weights/mean");
        assert_eq!(health("fc1", "dead_units"), "1_health/fc1_dead_units");
        assert_eq!(pr_curve(3), "pr_test/digit_3");
        assert_eq!(STATISTICS.map(|s| statistic("fc2", "biases", s))[3], "fc2.biases/std");
    }

    #[test]
    fn no_two_constants_share_a_tag() {
        let all = [
            TRAIN_LOSS,
            VALIDATION_ERROR,
            TEST_ERROR,
            VALIDATION_ACCURACY,
            TRAIN_ACCURACY,
            TEST_ACCURACY,
            INPUTS,
            FILTERS,
            CONFUSION,
            MISCLASSIFIED,
            DATA,
            BOUNDARY,
            CONFIG,
            EMBEDDING,
        ];
        let set: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(set.len(), all.len());
    }
}
