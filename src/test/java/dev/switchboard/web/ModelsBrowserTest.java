package dev.switchboard.web;

import dev.switchboard.catalog.CatalogService;
import dev.switchboard.testing.Browser;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.TestCatalog.ALPHA;
import static dev.switchboard.testing.TestCatalog.BETA;
import static dev.switchboard.testing.TestCatalog.GAMMA;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal in a real browser: htmx swaps, pushed URLs, history, the copy buttons, the page without JavaScript and
 * keyboard access. Each step leaves a full-page screenshot in target/screenshots/. Waits are explicit conditions on
 * the page; nothing sleeps.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ModelsBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    CatalogService catalog;

    static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start(true);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** Every page and swap of every test ran under the portal's Content-Security-Policy without a refusal. */
    @AfterEach
    void noContentSecurityPolicyViolations() {
        List<String> console = browser.consoleMessages();
        assertThat(console).as("browser console").noneMatch(m -> m.contains("Content Security Policy")
                || m.contains("Content-Security-Policy"));
    }

    @Test
    void searchSwapsTheListInPlaceAndPushesTheUrl() {
        open("/models");
        browser.screenshot("search-1-models");
        markWindow();
        countSwaps();
        long entries = historyLength();
        WebElement search = driver().findElement(By.id("q"));

        search.sendKeys("zebra");

        awaitSlugs(List.of(ALPHA));
        awaitQuery(Map.of("q", List.of("zebra")));
        assertThat(countText()).isEqualTo("1 model of " + catalogSize());
        assertThat(historyLength()).isEqualTo(entries + 1);
        assertNoFullReload();
        browser.screenshot("search-2-zebra");

        // Leaving the box fires "change", asking for the view already shown: it must not add a history entry,
        // or Back would seem to do nothing.
        search.sendKeys(Keys.TAB);
        browser.waitUntil("the second swap", d -> settled() && swaps() == 2);
        assertThat(historyLength()).isEqualTo(entries + 1);
        driver().navigate().back();
        awaitQuery(Map.of());
        awaitCount(catalogSize() + " models");
        assertThat(driver().findElement(By.id("q")).getDomProperty("value")).isEmpty();
        assertNoFullReload();
    }

    @Test
    void filterCheckboxesNarrowTheListAndPushTheUrl() {
        open("/models");
        markWindow();

        checkbox("vendor", "testlab").click();
        awaitSlugs(List.of(GAMMA, BETA, ALPHA));
        awaitQuery(Map.of("vendor", List.of("testlab")));
        assertThat(countText()).isEqualTo("3 models of " + catalogSize());
        browser.screenshot("filter-1-vendor");

        checkbox("capability", "vision").click();
        awaitSlugs(List.of(BETA));
        awaitQuery(Map.of("vendor", List.of("testlab"), "capability", List.of("vision")));
        assertThat(countText()).isEqualTo("1 model of " + catalogSize());
        assertNoFullReload();
        browser.screenshot("filter-2-vision");
    }

    @Test
    void sortSelectReordersTheList() {
        open("/models?vendor=testlab");
        awaitSlugs(List.of(GAMMA, BETA, ALPHA)); // newest first
        markWindow();

        new Select(driver().findElement(By.id("sort"))).selectByValue("context");

        awaitSlugs(List.of(BETA, GAMMA, ALPHA)); // 1M, 32K, 8K
        awaitQuery(Map.of("vendor", List.of("testlab"), "sort", List.of("context")));
        assertNoFullReload();
        browser.screenshot("sort-context");
    }

    @Test
    void backAndForwardRestoreListUrlAndControls() {
        open("/models");
        markWindow();
        checkbox("vendor", "testlab").click();
        awaitSlugs(List.of(GAMMA, BETA, ALPHA));
        checkbox("capability", "vision").click();
        awaitSlugs(List.of(BETA));

        driver().navigate().back();
        awaitQuery(Map.of("vendor", List.of("testlab")));
        awaitSlugs(List.of(GAMMA, BETA, ALPHA));
        assertThat(checkbox("vendor", "testlab").isSelected()).isTrue();
        assertThat(checkbox("capability", "vision").isSelected()).isFalse();
        browser.screenshot("history-1-back");

        driver().navigate().back();
        awaitQuery(Map.of());
        awaitCount(catalogSize() + " models");
        assertThat(checkbox("vendor", "testlab").isSelected()).isFalse();

        driver().navigate().forward();
        awaitQuery(Map.of("vendor", List.of("testlab")));
        awaitSlugs(List.of(GAMMA, BETA, ALPHA));
        assertThat(checkbox("vendor", "testlab").isSelected()).isTrue();

        driver().navigate().forward();
        awaitQuery(Map.of("vendor", List.of("testlab"), "capability", List.of("vision")));
        awaitSlugs(List.of(BETA));
        assertThat(checkbox("capability", "vision").isSelected()).isTrue();
        // htmx restored each state in place: the page was never reloaded.
        assertNoFullReload();
        browser.screenshot("history-2-forward");
    }

    @Test
    void reloadingAPushedUrlShowsTheSameViewAndControls() {
        open("/models");
        driver().findElement(By.id("q")).sendKeys("vision");
        awaitQuery(Map.of("q", List.of("vision")));
        checkbox("vendor", "testlab").click();
        awaitSlugs(List.of(BETA));
        new Select(driver().findElement(By.id("sort"))).selectByValue("name");
        awaitQuery(Map.of("q", List.of("vision"), "vendor", List.of("testlab"), "sort", List.of("name")));
        String pushed = driver().getCurrentUrl();

        driver().navigate().refresh();
        awaitLoaded();

        assertThat(driver().getCurrentUrl()).isEqualTo(pushed);
        assertThat(slugs()).containsExactly(BETA);
        assertThat(driver().findElement(By.id("q")).getDomProperty("value")).isEqualTo("vision");
        assertThat(checkbox("vendor", "testlab").isSelected()).isTrue();
        assertThat(new Select(driver().findElement(By.id("sort"))).getFirstSelectedOption().getDomProperty("value"))
                .isEqualTo("name");
        browser.screenshot("reload-filtered");
    }

    @Test
    void modelLinkOpensTheDetailPageWithItsProviders() {
        open("/models?vendor=testlab");
        driver().findElement(By.cssSelector("li.model-card[data-slug='testlab/alpha'] h2 a")).click();

        browser.waitUntil("the detail page", d -> d.getCurrentUrl().endsWith("/models/testlab/alpha"));
        awaitLoaded();
        assertThat(driver().findElement(By.tagName("h1")).getText()).isEqualTo("Alpha Zebra");
        List<String> heads = driver().findElements(By.cssSelector("table.compare thead th")).stream()
                .map(WebElement::getText).toList();
        assertThat(heads).containsExactly("Provider", "Test Lab Cloud", "Test Lab Europe");
        assertThat(driver().findElements(By.cssSelector("td.slug-cell code")).stream().map(WebElement::getText))
                .containsExactly("testlab/alpha:test-lab", "testlab/alpha:test-lab-eu");
        // Each column is headed by its chart color, one per provider.
        assertThat(browser.script("""
                return Array.from(document.querySelectorAll('table.compare thead .swatch'),
                    e => getComputedStyle(e).borderTopColor)"""))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .hasSize(2).doesNotHaveDuplicates().doesNotContain("rgba(0, 0, 0, 0)");
        browser.screenshot("detail-alpha");
    }

    @Test
    void copyButtonPutsTheProviderSlugOnTheClipboard() {
        open("/models/testlab/alpha");
        browser.grantClipboard(origin());
        WebElement button = driver().findElement(
                By.cssSelector("td.slug-cell button.copy[data-copy='testlab/alpha:test-lab-eu']"));

        button.click();

        browser.waitUntil("the button to say Copied", d -> button.getText().equals("Copied"));
        assertThat(button.getDomAttribute("data-copied")).isNotNull();
        browser.screenshot("copy-copied");
        Object clipboard = driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                navigator.clipboard.readText().then(done, e => done('clipboard error: ' + e));""");
        assertThat(clipboard).isEqualTo("testlab/alpha:test-lab-eu");
        browser.waitUntil("the button to reset", d -> button.getText().equals("Copy"));
    }

    @Test
    void withoutJavaScriptTheApplyButtonSubmitsAFullPageGet() {
        try (Browser plain = Browser.start(false)) {
            ChromeDriver d = plain.driver();
            d.get(url("/models"));
            WebElement apply = d.findElement(By.cssSelector(".topbar button.apply"));
            assertThat(apply.isDisplayed()).as("Apply is shown when scripts do not run").isTrue();
            checkbox(d, "vendor", "testlab").click();
            checkbox(d, "capability", "vision").click();
            plain.screenshot("nojs-1-ticked");

            apply.click();

            plain.waitUntil("the submitted page", x -> query(x).containsKey("capability"));
            assertThat(query(d)).containsEntry("vendor", List.of("testlab")).containsEntry("capability", List.of("vision"));
            assertThat(d.findElements(By.cssSelector("li.model-card")).stream().map(e -> e.getDomAttribute("data-slug")))
                    .containsExactly(BETA);
            assertThat(d.findElement(By.cssSelector("#result-count")).getText())
                    .isEqualTo("1 model of " + catalogSize());
            assertThat(checkbox(d, "vendor", "testlab").isSelected()).isTrue();
            assertThat(checkbox(d, "capability", "vision").isSelected()).isTrue();
            plain.screenshot("nojs-2-applied");
        }
    }

    @Test
    void keyboardReachesTheSearchBoxAndTheFilters() {
        open("/models");
        List<String> path = new ArrayList<>();
        path.add(tab());
        assertThat(path.getFirst()).as("first stop is the skip link").isEqualTo("a.skip");
        while (!path.getLast().equals("input#q") && path.size() < 8) {
            path.add(tab());
        }
        assertThat(path).as("Tab order from the top").endsWith("input#q").hasSizeLessThanOrEqualTo(6);
        assertFocusIsVisible();
        assertThat(tab()).isEqualTo("select#sort");
        assertThat(tab()).isEqualTo("input[name=availability][value=all]");
        assertThat(tab()).isEqualTo("input[name=input][value=text]");
        assertThat(tab()).isEqualTo("input[name=input][value=image]");
        assertFocusIsVisible();
        browser.screenshot("keyboard-focus");

        new Actions(driver()).sendKeys(Keys.SPACE).perform();

        awaitQuery(Map.of("input", List.of("image")));
        assertThat(checkbox("input", "image").isSelected()).isTrue();
        assertThat(slugs()).contains(BETA).doesNotContain(ALPHA, GAMMA);
    }

    // --- helpers

    private static ChromeDriver driver() {
        return browser.driver();
    }

    private String url(String path) {
        return origin() + path;
    }

    private String origin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    private int catalogSize() {
        return catalog.current().models().size();
    }

    /** Opens a page afresh, with an empty htmx history cache so tests cannot see each other's snapshots. */
    private void open(String path) {
        driver().get(url(path));
        awaitLoaded();
        browser.script("sessionStorage.clear()");
    }

    private void awaitLoaded() {
        browser.waitUntil("the page and htmx to load", d -> Boolean.TRUE.equals(
                browser.script("return document.readyState === 'complete' && !!window.htmx")));
    }

    /** A value on window survives htmx swaps and history restores, and is gone after any real page load. */
    private void markWindow() {
        browser.script("window.__marker = 42");
    }

    private void assertNoFullReload() {
        assertThat(browser.script("return window.__marker")).as("window marker after the swap").isEqualTo(42L);
    }

    private void countSwaps() {
        browser.script("window.__swaps = 0; document.body.addEventListener('htmx:afterSettle', () => window.__swaps++)");
    }

    private long swaps() {
        return (Long) browser.script("return window.__swaps");
    }

    private long historyLength() {
        return (Long) browser.script("return history.length");
    }

    @SuppressWarnings("unchecked")
    private List<String> slugs() {
        return (List<String>) browser.script(
                "return Array.from(document.querySelectorAll('li.model-card'), e => e.dataset.slug)");
    }

    private String countText() {
        return (String) browser.script("return document.getElementById('result-count').textContent.trim()");
    }

    /** Waits for the list to show exactly these models with no htmx request still running. */
    private void awaitSlugs(List<String> expected) {
        browser.waitUntil(() -> "models " + expected + ", showing " + slugs(),
                d -> settled() && slugs().equals(expected));
    }

    private void awaitCount(String prefix) {
        browser.waitUntil(() -> "count " + prefix + ", showing " + countText(),
                d -> settled() && countText().startsWith(prefix));
    }

    private boolean settled() {
        return Boolean.TRUE.equals(browser.script(
                "return document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') === null"));
    }

    /** Waits for the address bar to carry exactly these non-empty parameters. */
    private void awaitQuery(Map<String, List<String>> expected) {
        browser.waitUntil(() -> "URL with " + expected + ", at " + driver().getCurrentUrl(),
                d -> query(d).equals(expected));
    }

    /** The non-empty query parameters of the current URL: the form sends empty fields too, which mean "any". */
    private static Map<String, List<String>> query(WebDriver d) {
        String raw = URI.create(d.getCurrentUrl()).getRawQuery();
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!value.isEmpty()) {
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return params;
    }

    private static WebElement checkbox(String name, String value) {
        return checkbox(driver(), name, value);
    }

    private static WebElement checkbox(WebDriver d, String name, String value) {
        return d.findElement(By.cssSelector("input[name='" + name + "'][value='" + value + "']"));
    }

    /** Presses Tab and describes the element that has the focus then, e.g. {@code input#q}. */
    private static String tab() {
        new Actions(driver()).sendKeys(Keys.TAB).perform();
        return (String) browser.script("""
                const e = document.activeElement;
                const tag = e.tagName.toLowerCase();
                if (e.id) return tag + '#' + e.id;
                if (e.name) return tag + '[name=' + e.name + '][value=' + e.value + ']';
                return tag + (e.className ? '.' + e.className.split(' ')[0] : '');""");
    }

    private static void assertFocusIsVisible() {
        assertThat(browser.script("return getComputedStyle(document.activeElement).outlineStyle"))
                .as("focus ring on the focused control").isEqualTo("solid");
    }
}
