from rest_framework.routers import SimpleRouter

from . import reference

router = SimpleRouter()
router.register("countries", reference.CountryViewSet, basename="reference-country")
router.register(
    "regional-offices", reference.RegionalOfficeViewSet, basename="reference-regional-office"
)
router.register("divisions", reference.DivisionViewSet, basename="reference-division")
router.register("thematic-areas", reference.ThematicAreaViewSet, basename="reference-thematic-area")
router.register(
    "cross-cutting-issues",
    reference.CrossCuttingIssueViewSet,
    basename="reference-cross-cutting-issue",
)
router.register("meas", reference.MEAViewSet, basename="reference-mea")
router.register("subprogrammes", reference.SubprogrammeViewSet, basename="reference-subprogramme")
router.register(
    "funding-source-kinds",
    reference.FundingSourceKindViewSet,
    basename="reference-funding-source-kind",
)
router.register("forums", reference.ForumViewSet, basename="reference-forum")
router.register("support-types", reference.SupportTypeViewSet, basename="reference-support-type")

urlpatterns = router.urls
